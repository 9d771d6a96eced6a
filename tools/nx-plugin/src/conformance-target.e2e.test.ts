import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempWorkspace, nxTestEnv, type TempWorkspace } from './test-support/temp-workspace.ts';

// The conformance target's results cache: a second run of an image that passed is skipped, and
// --force (or the environment variable) runs the suite again. In a throwaway workspace, so its
// .cache/ starts empty and nothing here touches the repository's own.
let ws: TempWorkspace;
const env = { ...nxTestEnv, SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE: '' };
const conformance = (...args: string[]) =>
  ws.run(
    'npx',
    ['--no-install', 'nx', 'run', 'node:conformance', '--outputStyle=static', ...args],
    env,
  );
const ranTheSuite = (output: string) => /\d+ checks: \d+ passed/.test(output);

describe('nx run <template>:conformance results cache', () => {
  beforeAll(async () => {
    ws = await makeTempWorkspace({ templates: ['node'] });
  });
  afterAll(() => ws?.close());

  it('runs the suite, skips it for the same image and suite, and runs it again with --force', async () => {
    const first = await conformance();
    expect(first.code, first.output).toBe(0);
    expect(ranTheSuite(first.output), first.output).toBe(true);

    // As the main job does: the reports folder is emptied first, and the pass still leaves one.
    await rm(join(ws.root, 'reports'), { recursive: true, force: true });
    const second = await conformance();
    expect(second.code, second.output).toBe(0);
    expect(ranTheSuite(second.output), second.output).toBe(false);
    expect(second.output).toMatch(/CONFORMS {2}node .*passed this suite at .*not run again/);
    expect(second.output).toContain('npx nx run node:conformance --force');
    const report = JSON.parse(
      await readFile(join(ws.root, 'reports/conformance/node.json'), 'utf8'),
    );
    expect(report.ok).toBe(true);
    expect(report.reusedPass.passedAt).toMatch(/^\d{4}-/);

    const forced = await conformance('--force');
    expect(forced.code, forced.output).toBe(0);
    expect(ranTheSuite(forced.output), forced.output).toBe(true);

    const byEnvironment = await ws.run(
      'npx',
      ['--no-install', 'nx', 'run', 'node:conformance', '--outputStyle=static'],
      { ...env, SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE: 'true' },
    );
    expect(ranTheSuite(byEnvironment.output), byEnvironment.output).toBe(true);
  });
});
