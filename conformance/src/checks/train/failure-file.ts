import { limits, paths } from '@sagemaker-templates/contract';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { requireStarted, withLogs, trainsOnly } from '../support/training.ts';

export function judgeFailureFile(run: TrainingObservation): Outcome {
  requireStarted(run);
  const fault = run.fault ?? 'an injected fault';
  if (run.failure === undefined) {
    return fail(
      withLogs(
        `no ${paths.failure} after a run with ${fault}, expected a description of the failure`,
        run,
      ),
    );
  }
  const reason = run.failure.slice(0, limits.failureReasonChars).trim();
  if (reason === '') {
    return fail(
      `${paths.failure} is empty (or blank in its first ${limits.failureReasonChars} characters) after a run with ${fault}, expected the cause`,
    );
  }
  return pass(`${paths.failure} says: ${reason.split('\n')[0]}`);
}

export const trainFailureFile: Check = {
  id: 'train.failure.file',
  title: 'A failing run writes /opt/ml/output/failure with the cause',
  clauses: 'T18',
  level: 'must',
  profile: 'training',
  hint: 'Catch errors at the top of `train`, write what went wrong and how to fix it to /opt/ml/output/failure (the first 1024 characters become FailureReason), then exit non-zero.',
  notApplicable: trainsOnly,
  run: async ({ probes }) => judgeFailureFile(await probes.failingTraining()),
};
