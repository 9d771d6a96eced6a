import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { describeExit, withLogs } from '../support/training.ts';

/** 126 and 127 are the shell's "not executable" and "command not found". */
export function judgeInvocation(run: TrainingObservation): Outcome {
  if (run.startError) {
    return fail(`\`docker run IMAGE train\` could not start the container: ${run.startError}`);
  }
  if (run.exitCode === 126 || run.exitCode === 127) {
    return fail(
      withLogs(
        `\`docker run IMAGE train\` exited ${run.exitCode}: \`train\` was not found or is not executable`,
        run,
      ),
    );
  }
  return pass(`\`docker run IMAGE train\` started the training program (${describeExit(run)})`);
}

export const trainInvocation: Check = {
  id: 'train.invocation',
  title: 'Training starts as `docker run IMAGE train`',
  clauses: 'T1, T3',
  level: 'must',
  profile: 'training',
  hint: 'Either an exec-form ENTRYPOINT that accepts `train` as its first argument, or an executable named `train` on PATH (no ENTRYPOINT).',
  notApplicable: ({ manifest }) =>
    manifest.capabilities.train
      ? undefined
      : 'the image does not train (capabilities.train is false)',
  run: async ({ probes }) => judgeInvocation(await probes.training()),
};
