import { fail, pass, type Check } from '../../check.ts';
import {
  EXPECTED_ARGS,
  PROBE_HYPERPARAMETERS,
  probeRecord,
  toolkitOnly,
} from '../support/toolkit-probe.ts';

export const toolkitHyperparametersCli: Check = {
  id: 'toolkit.hyperparameters.cli',
  title: 'Hyperparameters reach the program as sorted, decoded `--key value` arguments',
  clauses: 'K1',
  level: 'must',
  profile: 'toolkit',
  hint: 'Scripts written for SageMaker parse hyperparameters with argparse: pass every user hyperparameter (never `sagemaker_*`) sorted by key as `--key value` (`-k value` for one letter), with JSON-encoded values decoded and printed as Python would (`true` → `True`).',
  notApplicable: toolkitOnly,
  async run(ctx) {
    const { argv } = await probeRecord(ctx);
    const got = argv.join(' ');
    const expected = EXPECTED_ARGS.join(' ');
    return got === expected
      ? pass(`hyperparameters ${JSON.stringify(PROBE_HYPERPARAMETERS)} → ${got}`)
      : fail(
          `hyperparameters ${JSON.stringify(PROBE_HYPERPARAMETERS)} reached the program as \`${got}\`, expected \`${expected}\``,
        );
  },
};
