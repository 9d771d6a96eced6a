import { paths } from '@sagemaker-templates/contract';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { requireSuccess, withLogs, trainsOnly } from '../support/training.ts';

export function judgeModelWritten(run: TrainingObservation): Outcome {
  requireSuccess(run);
  const nonEmpty = run.modelFiles.filter((f) => f.size > 0);
  if (nonEmpty.length === 0) {
    const what =
      run.modelFiles.length === 0 ? 'no files' : `${run.modelFiles.length} empty file(s)`;
    return fail(
      withLogs(
        `${paths.model} holds ${what} after a successful run, expected the model artifacts`,
        run,
      ),
    );
  }
  const bytes = nonEmpty.reduce((sum, f) => sum + f.size, 0);
  return pass(
    `${paths.model} holds ${nonEmpty.length} file(s), ${bytes} bytes (${nonEmpty
      .slice(0, 3)
      .map((f) => f.path)
      .join(', ')})`,
  );
}

export const trainModelWritten: Check = {
  id: 'train.model.written',
  title: 'A successful run leaves the model in /opt/ml/model',
  clauses: 'T6, T17',
  level: 'must',
  profile: 'training',
  hint: 'Write the trained model under /opt/ml/model: SageMaker tars exactly that folder into model.tar.gz; anything elsewhere is lost.',
  notApplicable: trainsOnly,
  run: async ({ probes }) => judgeModelWritten(await probes.training()),
};
