import { access, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { TrainingObservation } from '../../observations.ts';
import { failed, fakeContext, outcome, trained } from '../../test-support/fake-context.ts';
import { EXPECTED_ARGS, PROBE_HOST, PROBE_PROGRAM } from '../support/toolkit-probe.ts';
import { toolkitFailureText } from './failure-execute-user-script-error.ts';
import { toolkitHyperparametersCli } from './hyperparameters-cli.ts';
import { toolkitProgramCodeDir } from './program-code-dir.ts';
import { toolkitSmVariables } from './sm-variables.ts';
import { toolkitSuccessFile } from './success-file.ts';

/** What the toolkit gives the fixture manifest's program, as the sagemaker-training toolkit does. */
const SM_ENV: Record<string, string> = {
  SM_MODEL_DIR: '/opt/ml/model',
  SM_OUTPUT_DATA_DIR: '/opt/ml/output/data',
  SM_CHANNELS: '["train"]',
  SM_CHANNEL_TRAIN: '/opt/ml/input/data/train',
  SM_HPS: '{"alpha": "quoted", "b": true, "mid_value": 0.5, "zeta": 1}',
  SM_USER_ARGS: JSON.stringify(EXPECTED_ARGS),
  SM_HOSTS: `["${PROBE_HOST}"]`,
  SM_CURRENT_HOST: PROBE_HOST,
  SM_NUM_GPUS: '0',
  SM_NUM_CPUS: '2',
};

interface Probed {
  argv?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** A model folder holding what the probe program recorded. */
async function probeModel({
  argv = EXPECTED_ARGS,
  cwd = '/opt/ml/code',
  env = SM_ENV,
}: Probed): Promise<string> {
  const modelDir = await mkdtemp(join(tmpdir(), 'fake-model-'));
  onTestFinished(() => rm(modelDir, { recursive: true, force: true }));
  const out = join(modelDir, 'conformance-probe');
  await mkdir(out);
  await writeFile(join(out, 'argv'), `${argv.join('\n')}\n`);
  await writeFile(join(out, 'cwd'), `${cwd}\n`);
  await writeFile(
    join(out, 'env'),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return modelDir;
}

const toolkit = (probe: TrainingObservation, failing: TrainingObservation = failed()) =>
  fakeContext({
    training: {
      training: trained(),
      'training:toolkit-probe': probe,
      'training:toolkit-probe-failing': failing,
    },
  });
const probed = async (recorded: Probed = {}, over: Partial<TrainingObservation> = {}) =>
  toolkit(trained({ modelDir: await probeModel(recorded), successFile: true, ...over }));

describe('toolkit checks over a recorded probe program', () => {
  it('toolkit.program.code-dir: mounts the probe program and needs it run in /opt/ml/code', async () => {
    const ctx = await probed();
    expect((await outcome(toolkitProgramCodeDir, ctx)).message).toMatch(
      /^ran conformance_probe.sh in \/opt\/ml\/code and exited 0/,
    );
    const variant = ctx.probes.asked.find((a) => a.key === 'training:toolkit-probe')?.variant;
    expect(variant).toMatchObject({ host: PROBE_HOST, env: { SAGEMAKER_PROGRAM: PROBE_PROGRAM } });
    const code = (variant as { binds: string[] }).binds[0]!.replace(/:\/opt\/ml\/code$/, '');
    await access(join(code, PROBE_PROGRAM), constants.X_OK);
    expect(await readFile(join(code, PROBE_PROGRAM), 'utf8')).toMatch(/^#!\/bin\/sh/);

    const elsewhere = await probed({ cwd: '/' });
    expect((await outcome(toolkitProgramCodeDir, elsewhere)).message).toBe(
      'the program ran in /, expected /opt/ml/code',
    );
    const never = await toolkit(
      failed({
        modelDir: '/nonexistent/fake-model',
        logs: 'python: no module sagemaker_training\n',
      }),
    );
    expect(await outcome(toolkitProgramCodeDir, never)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /training exit 1 after 900 ms and the program never ran\. Last log lines:\n {4}\| python: no module/,
      ),
    });
    const exited = await probed({}, { exitCode: 2 });
    expect((await outcome(toolkitProgramCodeDir, exited)).message).toMatch(
      /^the program ran, but training exit 2/,
    );
    const plain = await fakeContext({}, (m) => {
      m.capabilities.toolkit = false;
    });
    expect((await outcome(toolkitProgramCodeDir, plain)).status).toBe('skip');
  });

  it('toolkit.hyperparameters.cli: needs sorted, decoded `--key value` arguments', async () => {
    expect((await outcome(toolkitHyperparametersCli, await probed())).status).toBe('pass');
    const unsorted = await probed({ argv: ['--zeta', '1', '--alpha', '"quoted"'] });
    expect((await outcome(toolkitHyperparametersCli, unsorted)).message).toMatch(
      /reached the program as `--zeta 1 --alpha "quoted"`, expected `--alpha quoted -b True --mid_value 0.5 --zeta 1`$/,
    );
    const never = await toolkit(failed());
    expect((await outcome(toolkitHyperparametersCli, never)).message).toMatch(
      /see toolkit\.program\.code-dir/,
    );
  });

  it('toolkit.sm-variables: needs every SM_* variable with SageMaker’s value', async () => {
    expect((await outcome(toolkitSmVariables, await probed())).message).toBe(
      '10 SM_* variables as SageMaker sets them',
    );
    const { SM_NUM_GPUS: _, ...withoutGpus } = SM_ENV;
    const wrong = await probed({ env: { ...withoutGpus, SM_HOSTS: '["algo-1"]' } });
    expect((await outcome(toolkitSmVariables, wrong)).message).toBe(
      'the program saw SM_HOSTS="[\\"algo-1\\"]", SM_NUM_GPUS=(unset); expected the values of CONTRACT §2.3',
    );
  });

  it('toolkit.failure.execute-user-script-error: needs exit 1 and the toolkit’s failure text', async () => {
    const reported = failed({ failure: 'ExecuteUserScriptError:\nExitCode 3\nErrorMessage ""' });
    const ctx = await toolkit(trained(), reported);
    expect((await outcome(toolkitFailureText, ctx)).message).toBe(
      'exit 1; /opt/ml/output/failure begins "ExecuteUserScriptError:"',
    );
    expect(
      ctx.probes.asked.find((a) => a.key === 'training:toolkit-probe-failing')?.variant,
    ).toMatchObject({
      env: { CONFORMANCE_PROBE_FAIL: '1' },
    });
    const passedThrough = await toolkit(trained(), failed({ exitCode: 3 }));
    expect((await outcome(toolkitFailureText, passedThrough)).message).toMatch(
      /training exit 3 after 900 ms, expected exit 1/,
    );
    const ownText = await toolkit(trained(), failed({ failure: 'Traceback ...' }));
    expect((await outcome(toolkitFailureText, ownText)).message).toMatch(
      /begins "Traceback \.\.\.", expected it to begin with ExecuteUserScriptError/,
    );
    const notStarted = await toolkit(trained(), failed({ startError: 'no train', exitCode: null }));
    expect((await outcome(toolkitFailureText, notStarted)).status).toBe('skip');
  });

  it('toolkit.success-file: needs /opt/ml/output/success after the probe succeeded', async () => {
    expect((await outcome(toolkitSuccessFile, await probed())).status).toBe('pass');
    expect(
      await outcome(toolkitSuccessFile, await probed({}, { successFile: false })),
    ).toMatchObject({
      status: 'fail',
      message: 'no /opt/ml/output/success after a successful run (exit 0 after 900 ms)',
    });
  });
});
