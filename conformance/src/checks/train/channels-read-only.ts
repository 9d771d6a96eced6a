import type { Check } from '../../check.ts';
import { trainsOnly } from '../support/training.ts';
import { judgeVariantRun } from '../support/variant-run.ts';

export const trainChannelsReadOnly: Check = {
  id: 'train.channels.read-only',
  title: 'Training works with read-only channel folders (FastFile mode)',
  clauses: 'T16',
  level: 'must',
  profile: 'training',
  hint: 'Never write into /opt/ml/input/data/<channel>: FastFile mode mounts it read-only. Write scratch files to /tmp and results to /opt/ml/model or /opt/ml/output/data.',
  notApplicable: trainsOnly,
  run: (ctx) =>
    judgeVariantRun(
      ctx,
      'read-only-channels',
      { readOnlyChannels: true },
      'with read-only channel folders',
    ),
};
