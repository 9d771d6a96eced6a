import type { Check, Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { judgeSucceeded, requireStarted, trainsOnly } from '../support/training.ts';

export function judgeSuccessExit(run: TrainingObservation, budgetSeconds: number): Outcome {
  requireStarted(run);
  return judgeSucceeded(run, 'on the sample data', budgetSeconds);
}

export const trainExitSuccess: Check = {
  id: 'train.exit.success',
  title: 'A successful training run exits 0',
  clauses: 'T17',
  level: 'must',
  profile: 'training',
  hint: 'SageMaker marks the job Completed only on exit code 0: return 0 when training succeeds, and check that the sample hyperparameters and channels in template.json are valid.',
  notApplicable: trainsOnly,
  run: async ({ probes, manifest }) =>
    judgeSuccessExit(await probes.training(), manifest.budgets.trainingSeconds),
};
