import type { Check } from '../../check.ts';
import { trainsOnly } from '../support/training.ts';
import { judgeVariantRun } from '../support/variant-run.ts';

export const trainHyperparametersEmpty: Check = {
  id: 'train.hyperparameters.empty',
  title: 'Training runs with an empty hyperparameters.json ({})',
  clauses: 'T8, §2.1(1)',
  level: 'should',
  profile: 'training',
  hint: 'Give every hyperparameter a default, so a job started without HyperParameters (and SDK local mode, which writes {}) still trains.',
  notApplicable: trainsOnly,
  run: (ctx) =>
    judgeVariantRun(
      ctx,
      'empty-hyperparameters',
      { hyperparameters: {} },
      'with hyperparameters.json = {}',
    ),
};
