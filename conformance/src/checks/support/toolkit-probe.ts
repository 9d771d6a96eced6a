import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlockedError } from '../../blocked-error.ts';
import { type CheckContext } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { describeExit, requireSuccess, withLogs } from './training.ts';

export const PROBE_PROGRAM = 'conformance_probe.sh';
export const PROBE_HOST = 'algo-1-tk01a';

/**
 * Hyperparameters that show how the toolkit turns them into arguments (K1): out of order, one
 * JSON-encoded string, a one-letter key, a boolean, and a `sagemaker_` key that must not appear.
 */
export const PROBE_HYPERPARAMETERS: Record<string, string> = {
  zeta: '1',
  alpha: '"quoted"',
  b: 'true',
  mid_value: '0.5',
  sagemaker_job_name: '"conformance-probe"',
};
export const EXPECTED_ARGS = [
  '--alpha',
  'quoted',
  '-b',
  'True',
  '--mid_value',
  '0.5',
  '--zeta',
  '1',
];
export const EXPECTED_HPS = { alpha: 'quoted', b: true, mid_value: 0.5, zeta: 1 };

/**
 * The user program the probe runs instead of the image's own: a shell script (every image has
 * /bin/sh; the toolkit runs `*.sh` entry points as commands) that records its arguments, working
 * directory and environment into the model folder, and fails when asked to.
 */
const PROBE_SCRIPT = `#!/bin/sh
# Written by the conformance suite: records how the training toolkit ran it.
out=/opt/ml/model/conformance-probe
mkdir -p "$out"
pwd > "$out/cwd"
printf '%s\\n' "$@" > "$out/argv"
env > "$out/env"
if [ -n "$CONFORMANCE_PROBE_FAIL" ]; then
  echo "conformance probe: failing on purpose with exit 3" >&2
  exit 3
fi
echo "conformance probe: recorded $# arguments"
`;

/** What the probe program saw, read back from the model folder. */
export interface ProbeRecord {
  run: TrainingObservation;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Runs `train` with SAGEMAKER_PROGRAM pointing at the probe program in a writable /opt/ml/code
 * (the toolkit makes command entry points executable there); memoized per `failing`.
 */
export async function probeRun(ctx: CheckContext, failing: boolean): Promise<TrainingObservation> {
  requireSuccess(await ctx.probes.training());
  const code = await ctx.probes.scratchDir('conformance-toolkit-code');
  await writeFile(join(code, PROBE_PROGRAM), PROBE_SCRIPT);
  await chmod(code, 0o777);
  await chmod(join(code, PROBE_PROGRAM), 0o755);
  return ctx.probes.trainingVariant(failing ? 'toolkit-probe-failing' : 'toolkit-probe', {
    hyperparameters: PROBE_HYPERPARAMETERS,
    host: PROBE_HOST,
    binds: [`${code}:/opt/ml/code`],
    env: {
      SAGEMAKER_PROGRAM: PROBE_PROGRAM,
      SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/code',
      ...(failing ? { CONFORMANCE_PROBE_FAIL: '1' } : {}),
    },
    fault: failing ? 'a user program that exits 3' : 'the toolkit probe program',
  });
}

/** The successful probe run and what the program recorded; blocked when it never ran. */
export async function probeRecord(ctx: CheckContext): Promise<ProbeRecord> {
  const run = await probeRun(ctx, false);
  const dir = join(run.modelDir ?? '', 'conformance-probe');
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => undefined);
  const [argv, cwd, env] = await Promise.all([read('argv'), read('cwd'), read('env')]);
  if (argv === undefined || cwd === undefined || env === undefined) {
    throw new BlockedError(
      'toolkit.program.code-dir',
      withLogs(
        `the probe program set as SAGEMAKER_PROGRAM never ran (training ${describeExit(run)})`,
        run,
      ),
    );
  }
  return {
    run,
    argv: argv === '\n' ? [] : argv.replace(/\n$/, '').split('\n'),
    cwd: cwd.trim(),
    env: Object.fromEntries(
      env
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ),
  };
}

export const toolkitOnly = (ctx: CheckContext): string | undefined =>
  !ctx.manifest.capabilities.toolkit
    ? 'template.json does not set capabilities.toolkit (train is not the SageMaker training toolkit)'
    : !ctx.manifest.capabilities.train
      ? 'the image does not train (capabilities.train is false)'
      : undefined;
