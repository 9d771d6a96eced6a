import type { Check } from '../../check.ts';
import { trainsOnly } from '../support/training.ts';
import { judgeVariantRun } from '../support/variant-run.ts';

export const trainNetworkIsolation: Check = {
  id: 'train.network-isolation',
  title: 'Training works with no route out (network isolation)',
  clauses: 'T6, §10 (network isolation)',
  level: 'must',
  profile: 'training',
  hint: 'Put everything training needs into the image or the channels: with network isolation (EnableNetworkIsolation, VPC-only jobs) nothing can be downloaded at run time and only the job’s own host names resolve.',
  notApplicable: trainsOnly,
  run: (ctx) =>
    judgeVariantRun(
      ctx,
      'network-isolation',
      { isolated: true },
      'with no route out of its network',
    ),
};
