import { describe, expect, it } from 'vitest';
import { fail, pass, type Check } from './check.ts';
import { runCheck } from './runner.ts';
import { once } from './checks/support/serving.ts';
import { fakeContext, ready, samples, trained } from './test-support/fake-context.ts';
import type { Recording } from './test-support/fake-probes.ts';
import type { PlatformRun } from './platform-run.ts';

const EMULATED: PlatformRun = {
  platform: 'linux/arm64',
  emulated: true,
  how: 'emulated by qemu-aarch64',
  timeScale: 10,
};

/** A check that fails on whatever the sample training run did. */
const failsOnTraining: Check = {
  id: 'test.training',
  title: 'test',
  clauses: 'T1',
  level: 'must',
  profile: 'training',
  hint: 'fix it',
  async run({ probes }) {
    const run = await probes.training();
    return run.exitCode === 0 ? pass('trained') : fail(`training exited ${run.exitCode}`);
  },
};

/** A check that fails whenever the serving container is not running. */
const failsOnServing: Check = {
  ...failsOnTraining,
  id: 'test.serving',
  async run({ probes }) {
    const session = await probes.serving();
    return (await session.container.state()).running ? pass('serving') : fail('server gone');
  },
};

async function judge(check: Check, recording: Recording, platform?: PlatformRun) {
  const ctx = await fakeContext(recording);
  const judged = platform ? { ...ctx, platform } : ctx;
  return runCheck(check, judged, judged.manifest);
}

const qemuCrash = 'loading\nqemu: uncaught target signal 4 (Illegal instruction) - core dumped\n';

describe('failures that only emulation causes', () => {
  it('turn into an environment skip under emulation, with the crash and what would judge it', async () => {
    const recording = { training: { training: trained({ exitCode: 132, logs: qemuCrash }) } };
    const result = await judge(failsOnTraining, recording, EMULATED);
    expect(result.status).toBe('skip');
    expect(result.message).toBe(
      'environment: QEMU stopped the program with signal 4 (Illegal instruction), under emulation (linux/arm64, emulated by qemu-aarch64); this says nothing about the image. Run the suite on a native linux/arm64 host to judge it. The check saw: training exited 132',
    );
  });

  it('stay failures natively, and under emulation when nothing points at the emulator', async () => {
    const crashed = { training: { training: trained({ exitCode: 132, logs: qemuCrash }) } };
    expect((await judge(failsOnTraining, crashed)).status).toBe('fail');
    const plain = { training: { training: trained({ exitCode: 1, logs: 'ValueError: bad' }) } };
    expect((await judge(failsOnTraining, plain, EMULATED)).status).toBe('fail');
  });

  it('never turn a pass into a skip', async () => {
    const recording = { training: { training: trained({ logs: qemuCrash }) } };
    expect((await judge(failsOnTraining, recording, EMULATED)).status).toBe('pass');
  });

  it('are found in the logs of the serving containers a check looked at', async () => {
    const avx =
      "The TensorFlow library was compiled to use AVX instructions, but these aren't available on your machine.\nAborted (core dumped)\n";
    const recording: Recording = {
      serving: {
        serving: ready(samples, { container: { running: false, exitCode: 134, logs: avx } }),
      },
    };
    const result = await judge(failsOnServing, recording, EMULATED);
    expect(result.status).toBe('skip');
    expect(result.message).toMatch(
      /^environment: the emulated CPU lacks AVX, which the program was compiled to use, under emulation/,
    );
  });

  it('leave what checks share made once per suite run, and credit its observations to each', async () => {
    let made = 0;
    const sharesTraining: Check = {
      ...failsOnTraining,
      id: 'test.shared',
      async run(ctx) {
        const run = await once(ctx, 'shared', async () => {
          made += 1;
          return ctx.probes.training();
        });
        return run.exitCode === 0 ? pass('trained') : fail(`training exited ${run.exitCode}`);
      },
    };
    const ctx = await fakeContext({
      training: { training: trained({ exitCode: 132, logs: qemuCrash }) },
    });
    const emulated = { ...ctx, platform: EMULATED };
    const first = await runCheck(sharesTraining, emulated, emulated.manifest);
    const second = await runCheck(
      { ...sharesTraining, id: 'test.again' },
      emulated,
      emulated.manifest,
    );
    expect(made).toBe(1);
    expect([first.status, second.status]).toEqual(['skip', 'skip']);
    expect(second.message).toMatch(/^environment: QEMU stopped the program with signal 4/);
  });
});
