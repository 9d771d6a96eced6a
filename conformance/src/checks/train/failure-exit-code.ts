import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { describeExit, requireStarted, withLogs, trainsOnly } from '../support/training.ts';

export function judgeFailureExit(run: TrainingObservation): Outcome {
  requireStarted(run);
  const fault = run.fault ?? 'an injected fault';
  if (run.timedOut)
    return fail(
      withLogs(
        `a run with ${fault} was ${describeExit(run)}, expected a prompt non-zero exit`,
        run,
      ),
    );
  if (run.exitCode === 0)
    return fail(withLogs(`a run with ${fault} exited 0, expected a non-zero exit code`, run));
  return pass(`a run with ${fault} failed as it should (${describeExit(run)})`);
}

export const trainFailureExitCode: Check = {
  id: 'train.failure.exit-code',
  title: 'A failing run exits non-zero',
  clauses: 'T17',
  level: 'must',
  profile: 'training',
  hint: 'Exit with a non-zero code when training fails; exit 0 makes SageMaker report the job Completed with a broken model.',
  notApplicable: trainsOnly,
  run: async ({ probes }) => judgeFailureExit(await probes.failingTraining()),
};
