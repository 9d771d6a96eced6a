import type { Check } from '../../check.ts';
import { judgeVariantRun, trainsOnly } from './variant-run.ts';

export const trainNetworkIsolation: Check = {
  id: 'train.network-isolation',
  title: 'Training works with no network at all',
  source: 'T6, §10 (network isolation)',
  level: 'must',
  profile: 'training',
  hint: 'Put everything training needs into the image or the channels: with network isolation (EnableNetworkIsolation, VPC-only jobs) nothing can be downloaded at run time, not even a DNS lookup succeeds.',
  notApplicable: trainsOnly,
  run: (ctx) =>
    judgeVariantRun(ctx, 'network-isolation', { networkDisabled: true }, 'with no network'),
};
