import type { Check } from '../../check.ts';
import { trainsOnly } from '../support/training.ts';
import { judgeVariantRun } from '../support/variant-run.ts';

export const trainResourceconfigMinimal: Check = {
  id: 'train.resourceconfig.minimal',
  title: 'Training accepts the documented minimal resourceconfig.json',
  clauses: 'T12, T13, §9.1',
  level: 'must',
  profile: 'training',
  hint: 'Read only current_host and hosts from resourceconfig.json and treat current_group_name, instance_groups and the rest as optional: the documented file and SDK local mode carry just the basics.',
  notApplicable: trainsOnly,
  run: (ctx) =>
    judgeVariantRun(
      ctx,
      'minimal-resourceconfig',
      { resourceConfigShape: 'minimal', host: 'algo-1' },
      'with a minimal resourceconfig.json (current_host, hosts, network_interface_name only)',
    ),
};
