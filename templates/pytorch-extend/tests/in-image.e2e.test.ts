/**
 * Runs this template's Python tests inside its own image (they need PyTorch), the command of the
 * README's "Develop" section, so `bash tools/machine/test.sh` runs them too.
 */
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectEngine, startContainer } from '@sagemaker-templates/engine';
import { buildTemplate } from '../../../tools/nx-plugin/src/build-template.ts';

const templateRoot = dirname(dirname(fileURLToPath(import.meta.url)));

describe('pytorch-extend Python tests', () => {
  it('pass inside the built image', async () => {
    const { image } = await buildTemplate(templateRoot, { quiet: true });
    await using container = await startContainer(connectEngine(), {
      image,
      cmd: ['python3', '-m', 'unittest', 'discover', '-s', '/template/tests', '-v'],
      env: { PYTHONDONTWRITEBYTECODE: '1', FIXTURES: '/template/fixtures' },
      // The whole template: the tests also read hyperparameters.schema.json.
      binds: [`${templateRoot}:/template:ro`],
    });
    const exit = await container.waitForExit(300_000);
    const output = await container.logs();
    const ran = /^Ran (\d+) tests?/m.exec(output);
    expect(exit.exitCode, output).toBe(0);
    expect(Number(ran?.[1] ?? 0), output).toBeGreaterThanOrEqual(40);
    expect(output).toMatch(/^OK/m);
  });
});
