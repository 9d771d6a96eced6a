/**
 * Runs this template's Python tests (unittest) inside its own image, since they need TensorFlow:
 * the same command as the README's "Develop" section, so `bash tools/machine/test.sh` runs them too.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectEngine, startContainer } from '@sagemaker-templates/engine';
import { buildTemplate } from '../../../tools/nx-plugin/src/build-template.ts';

const templateRoot = dirname(dirname(fileURLToPath(import.meta.url)));

describe('tensorflow-scratch Python tests', () => {
  it('pass inside the built image', async () => {
    const { image } = await buildTemplate(templateRoot, { quiet: true });
    await using container = await startContainer(connectEngine(), {
      image,
      cmd: ['python3', '-m', 'unittest', 'discover', '-s', 'tests', '-v'],
      env: { PYTHONDONTWRITEBYTECODE: '1' },
      binds: [
        `${join(templateRoot, 'tests')}:/opt/program/tests:ro`,
        `${join(templateRoot, 'fixtures')}:/opt/program/fixtures:ro`,
      ],
    });
    const exit = await container.waitForExit(300_000);
    const output = await container.logs();
    const ran = /^Ran (\d+) tests?/m.exec(output);
    expect(exit.exitCode, output).toBe(0);
    expect(Number(ran?.[1] ?? 0), output).toBeGreaterThan(20);
    expect(output).toMatch(/^OK/m);
  });
});
