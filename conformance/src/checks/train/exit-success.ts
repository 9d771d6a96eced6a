import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { describeExit, requireStarted, withLogs } from '../support/training.ts';

export function judgeSuccessExit(run: TrainingObservation, budgetSeconds: number): Outcome {
  requireStarted(run);
  if (run.timedOut) {
    return fail(
      withLogs(
        `training on the sample data was still running after ${budgetSeconds} s (budgets.trainingSeconds), expected exit 0`,
        run,
      ),
    );
  }
  if (run.exitCode !== 0) {
    const failure = run.failure?.trim()
      ? ` /opt/ml/output/failure says: ${run.failure.trim().split('\n')[0]}`
      : '';
    return fail(
      withLogs(`training on the sample data exited ${run.exitCode}, expected 0.${failure}`, run),
    );
  }
  return pass(`training on the sample data succeeded (${describeExit(run)})`);
}

export const trainExitSuccess: Check = {
  id: 'train.exit.success',
  title: 'A successful training run exits 0',
  clauses: 'T17',
  level: 'must',
  profile: 'training',
  hint: 'SageMaker marks the job Completed only on exit code 0: return 0 when training succeeds, and check that the sample hyperparameters and channels in template.json are valid.',
  notApplicable: ({ manifest }) =>
    manifest.capabilities.train ? undefined : 'the image does not train',
  run: async ({ probes, manifest }) =>
    judgeSuccessExit(await probes.training(), manifest.budgets.trainingSeconds),
};
