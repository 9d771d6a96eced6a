import { describe, expect, it } from 'vitest';
import type { Check } from '../../check.ts';
import type { TrainingObservation, TrainingVariant } from '../../observations.ts';
import { failed, fakeContext, outcome, trained } from '../../test-support/fake-context.ts';
import type { Recording } from '../../test-support/fake-probes.ts';
import { trainChannelsReadOnly } from './channels-read-only.ts';
import { trainExitSuccess } from './exit-success.ts';
import { trainFailureExitCode } from './failure-exit-code.ts';
import { trainFailureFile } from './failure-file.ts';
import { trainFailureMissingChannel } from './failure-missing-channel.ts';
import { trainGpuReal } from './gpu-real.ts';
import { trainGpuSimulated } from './gpu-simulated.ts';
import { trainHyperparametersEmpty } from './hyperparameters-empty.ts';
import { trainHyperparametersJsonEncoded } from './hyperparameters-json-encoded.ts';
import { trainInvocation } from './invocation.ts';
import { trainMetricsRegex } from './metrics-regex.ts';
import { trainModelWritten } from './model-written.ts';
import { trainMultiHost } from './multi-host.ts';
import { trainNetworkIsolation } from './network-isolation.ts';
import { trainResourceconfigMinimal } from './resourceconfig-minimal.ts';
import { trainSigterm } from './sigterm.ts';

const sample = (run: TrainingObservation, more: Recording = {}) =>
  fakeContext({ ...more, training: { training: run, ...more.training } });
const failing = (run: TrainingObservation) =>
  fakeContext({ training: { 'failing-training': run } });
const withVariant = (key: string, run: TrainingObservation, more: Recording = {}) =>
  sample(trained(), { ...more, training: { [`training:${key}`]: run } });

describe('training checks over recorded runs', () => {
  it('train.invocation: fails a container that cannot start or finds no `train`', async () => {
    expect((await outcome(trainInvocation, await sample(failed()))).status).toBe('pass');
    const missing = await sample(
      failed({ startError: 'exec: "train": not found', exitCode: null }),
    );
    expect((await outcome(trainInvocation, missing)).message).toMatch(
      /could not start the container: exec/,
    );
    expect(
      (await outcome(trainInvocation, await sample(failed({ exitCode: 127 })))).message,
    ).toMatch(/exited 127: `train` was not found/);
    const serveOnly = await fakeContext({}, (m) => {
      m.capabilities.train = false;
    });
    expect((await outcome(trainInvocation, serveOnly)).status).toBe('skip');
  });

  it('train.exit.success: needs exit 0 within the budget, blocked when nothing started', async () => {
    expect((await outcome(trainExitSuccess, await sample(trained()))).status).toBe('pass');
    const bad = await sample(failed({ exitCode: 3, failure: 'epochs must be > 0' }));
    expect(await outcome(trainExitSuccess, bad)).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        'exited 3, expected 0. /opt/ml/output/failure says: epochs must be > 0',
      ),
    });
    const slow = await sample(trained({ timedOut: true, exitCode: null }));
    expect((await outcome(trainExitSuccess, slow)).message).toMatch(/still running after 60 s/);
    const notStarted = await sample(failed({ startError: 'no such image', exitCode: null }));
    expect((await outcome(trainExitSuccess, notStarted)).message).toMatch(/see train\.invocation/);
  });

  it('train.model.written: needs non-empty files in /opt/ml/model after a successful run', async () => {
    expect((await outcome(trainModelWritten, await sample(trained()))).message).toMatch(
      /holds 1 file\(s\), 120 bytes \(model.json\)/,
    );
    const empty = await sample(trained({ modelFiles: [{ path: 'model.json', size: 0 }] }));
    expect((await outcome(trainModelWritten, empty)).message).toMatch(/holds 1 empty file\(s\)/);
    const unsuccessful = await sample(failed());
    expect((await outcome(trainModelWritten, unsuccessful)).message).toMatch(
      /see train\.exit\.success/,
    );
  });

  it('train.metrics.regex: captures the declared metrics from the logs', async () => {
    expect((await outcome(trainMetricsRegex, await sample(trained()))).message).toBe(
      'train:loss=0.5',
    );
    const quiet = await sample(trained({ logs: 'epoch 1 done\n' }));
    expect(await outcome(trainMetricsRegex, quiet)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /^metric "train:loss": regex "loss=\(\[0-9.\]\+\)" matched no log line/,
      ),
    });
    const undeclared = await fakeContext({}, (m) => {
      m.conformance.training!.metrics = [];
    });
    expect((await outcome(trainMetricsRegex, undeclared)).status).toBe('skip');
  });

  it('train.failure.file: needs the cause in /opt/ml/output/failure after the failing run', async () => {
    const said = await failing(failed({ failure: 'Hyperparameter "fail" is true\nmore' }));
    expect((await outcome(trainFailureFile, said)).message).toBe(
      '/opt/ml/output/failure says: Hyperparameter "fail" is true',
    );
    const silent = await failing(failed({ failure: undefined, fault: 'failing hyperparameters' }));
    expect((await outcome(trainFailureFile, silent)).message).toMatch(
      /^no \/opt\/ml\/output\/failure after a run with failing hyperparameters/,
    );
    const blank = await failing(failed({ failure: '   \n' }));
    expect((await outcome(trainFailureFile, blank)).message).toMatch(/is empty/);
  });

  it('train.failure.exit-code: needs a non-zero exit from the failing run', async () => {
    expect((await outcome(trainFailureExitCode, await failing(failed()))).status).toBe('pass');
    const zero = await failing(trained({ fault: 'failing hyperparameters {"fail":"true"}' }));
    expect((await outcome(trainFailureExitCode, zero)).message).toMatch(
      /^a run with failing hyperparameters \{"fail":"true"\} exited 0, expected a non-zero exit code/,
    );
    const hung = await failing(failed({ timedOut: true, exitCode: null }));
    expect((await outcome(trainFailureExitCode, hung)).status).toBe('fail');
  });

  it('train.failure.missing-channel: runs without channels and needs a failure that says so', async () => {
    const ctx = await withVariant('no-channels', failed({ failure: 'channel "train" is missing' }));
    expect((await outcome(trainFailureMissingChannel, ctx)).status).toBe('pass');
    expect(ctx.probes.asked.find((a) => a.key === 'training:no-channels')?.variant).toMatchObject({
      channels: {},
    });
    const trainsAnyway = await withVariant('no-channels', trained());
    expect((await outcome(trainFailureMissingChannel, trainsAnyway)).message).toMatch(
      /^with no input channels, training exit 0 after 900 ms, expected it to fail/,
    );
    const blocked = await sample(failed(), { training: { 'training:no-channels': failed() } });
    expect((await outcome(trainFailureMissingChannel, blocked)).message).toMatch(
      /see train\.exit\.success/,
    );
  });

  // Checks that run the sample once more, changed, and expect it to succeed like the plain run.
  const variants: { check: Check; key: string; variant: TrainingVariant }[] = [
    {
      check: trainHyperparametersJsonEncoded,
      key: 'json-encoded',
      variant: { hyperparameters: { epochs: '"3"', name: '"fixture"' } },
    },
    {
      check: trainHyperparametersEmpty,
      key: 'empty-hyperparameters',
      variant: { hyperparameters: {} },
    },
    {
      check: trainChannelsReadOnly,
      key: 'read-only-channels',
      variant: { readOnlyChannels: true },
    },
    {
      check: trainResourceconfigMinimal,
      key: 'minimal-resourceconfig',
      variant: { resourceConfigShape: 'minimal', host: 'algo-1' },
    },
    { check: trainNetworkIsolation, key: 'network-isolation', variant: { isolated: true } },
  ];
  it.each(variants)(
    '$check.id runs its variant and needs it to succeed',
    async ({ check, key, variant }) => {
      const ok = await withVariant(key, trained());
      expect((await outcome(check, ok)).status).toBe('pass');
      expect(ok.probes.asked.find((a) => a.key === `training:${key}`)?.variant).toEqual(variant);
      const broken = await withVariant(key, failed({ failure: 'cannot resolve pypi.org' }));
      expect(await outcome(check, broken)).toMatchObject({
        status: 'fail',
        message: expect.stringContaining(
          'exited 1, expected 0 like the plain run. /opt/ml/output/failure says: cannot resolve pypi.org',
        ),
      });
      const blocked = await sample(failed(), { training: { [`training:${key}`]: trained() } });
      expect((await outcome(check, blocked)).message).toMatch(/see train\.exit\.success/);
    },
  );

  it('train.multi-host: needs both hosts to exit 0', async () => {
    const both = await sample(trained(), { multiHost: [trained(), trained({ durationMs: 950 })] });
    expect((await outcome(trainMultiHost, both)).message).toBe(
      'algo-1: exit 0 after 900 ms, algo-2: exit 0 after 950 ms',
    );
    const one = await sample(trained(), {
      multiHost: [trained(), failed({ logs: 'clash on model.json\n' })],
    });
    expect((await outcome(trainMultiHost, one)).message).toMatch(
      /^algo-2 of a 2-host job exit 1 after 900 ms, expected exit 0\. Last log lines:\n {4}\| clash on model.json/,
    );
    const blocked = await sample(failed(), { multiHost: [trained(), trained()] });
    expect((await outcome(trainMultiHost, blocked)).status).toBe('skip');
  });

  it('train.sigterm: signals mid-training and needs an exit within the grace period', async () => {
    const stops = await sample(trained(), {
      started: { logs: 'epoch=1 loss=0.9\n', exitOnSigterm: 143 },
    });
    expect((await outcome(trainSigterm, stops)).message).toMatch(
      /^training exited 143 \d+ ms after SIGTERM$/,
    );
    expect(stops.probes.asked.find((a) => a.key === 'start-training')?.variant).toMatchObject({
      hyperparameters: { sleep: '300' },
    });
    const ignores = await sample(trained(), { started: { logs: 'epoch=1 loss=0.9\n' } });
    expect((await outcome(trainSigterm, ignores)).message).toBe(
      'training was still running 120 s after SIGTERM, expected it to exit',
    );
    const short = await sample(trained(), { started: { running: false, exitCode: 0 } });
    expect(await outcome(trainSigterm, short)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/ended \(exit 0\) before SIGTERM could be sent/),
      hint: expect.stringMatching(/longRunningHyperparameters keep training busy/),
    });
    const cannot = await sample(trained(), { started: { startError: 'port in use' } });
    expect((await outcome(trainSigterm, cannot)).message).toMatch(/could not start: port in use/);
    const undeclared = await fakeContext({}, (m) => {
      delete m.conformance.training!.longRunningHyperparameters;
    });
    expect((await outcome(trainSigterm, undeclared)).status).toBe('skip');
  });

  it('train.gpu.simulated: mounts a fake nvidia-smi and needs a CPU fallback reporting its GPUs', async () => {
    const ok = await withVariant('simulated-gpus', trained({ logs: 'gpus=2\nloss=0.4\n' }));
    expect((await outcome(trainGpuSimulated, ok)).message).toMatch(
      /simulated GPUs, and reported 2/,
    );
    const variant = ok.probes.asked.find((a) => a.key === 'training:simulated-gpus')?.variant;
    expect(variant).toMatchObject({
      binds: [expect.stringMatching(/fake-nvidia-smi\.sh:\/usr\/local\/bin\/nvidia-smi:ro$/)],
    });
    const blind = await withVariant('simulated-gpus', trained({ logs: 'gpus=0\n' }));
    expect((await outcome(trainGpuSimulated, blind)).message).toMatch(/reported 0 GPUs/);
    const cpu = await fakeContext({}, (m) => {
      m.capabilities.gpu = false;
    });
    expect((await outcome(trainGpuSimulated, cpu)).status).toBe('skip');
  });

  it('train.gpu.real: passes the host GPUs in, and skips on a host without any', async () => {
    expect((await outcome(trainGpuReal, await sample(trained()))).message).toMatch(
      /the engine's host has no NVIDIA GPU/,
    );
    const four = await withVariant('real-gpus', trained({ logs: 'gpus=4\n' }), { hostGpus: 4 });
    expect((await outcome(trainGpuReal, four)).message).toMatch(
      /^trained with the host's 4 GPUs, and reported 4/,
    );
    expect(four.probes.asked.find((a) => a.key === 'training:real-gpus')?.variant).toMatchObject({
      gpus: 'all',
    });
    const one = await withVariant('real-gpus', trained({ logs: 'gpus=1\n' }), { hostGpus: 4 });
    expect((await outcome(trainGpuReal, one)).message).toMatch(
      /reported 1 GPUs, expected the host's 4/,
    );
    const crashed = await withVariant(
      'real-gpus',
      failed({ logs: 'CUDA driver version is insufficient\n' }),
      { hostGpus: 4 },
    );
    expect((await outcome(trainGpuReal, crashed)).status).toBe('fail');
  });
});
