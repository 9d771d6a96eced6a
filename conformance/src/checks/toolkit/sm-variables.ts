import { isDeepStrictEqual } from 'node:util';
import { fail, pass, type Check } from '../../check.ts';
import {
  EXPECTED_ARGS,
  EXPECTED_HPS,
  PROBE_HOST,
  probeRecord,
  toolkitOnly,
} from '../support/toolkit-probe.ts';
import { tryJson } from '../support/json.ts';

/** A variable's JSON value, or the raw text when it is not JSON. */
const json = (value: string | undefined): unknown => {
  const parsed = value === undefined ? undefined : tryJson(value);
  return parsed ? parsed.value : value;
};

export const toolkitSmVariables: Check = {
  id: 'toolkit.sm-variables',
  title: 'The program sees the SM_* variables with the values SageMaker gives them',
  clauses: '§2.3, K2, K3',
  level: 'must',
  profile: 'toolkit',
  hint: 'Scripts written for SageMaker read their folders and settings from SM_* variables: export at least SM_MODEL_DIR, SM_CHANNELS, SM_CHANNEL_<NAME>, SM_HPS, SM_HOSTS, SM_CURRENT_HOST, SM_NUM_GPUS, SM_NUM_CPUS, SM_OUTPUT_DATA_DIR and SM_USER_ARGS, as the sagemaker-training toolkit does.',
  notApplicable: toolkitOnly,
  async run(ctx) {
    const { env } = await probeRecord(ctx);
    const channels = Object.keys(ctx.manifest.conformance.training?.channels ?? {}).sort();
    const expected: Record<string, (value: string | undefined) => boolean> = {
      SM_MODEL_DIR: (v) => v === '/opt/ml/model',
      SM_OUTPUT_DATA_DIR: (v) => v === '/opt/ml/output/data',
      SM_CHANNELS: (v) => isDeepStrictEqual(json(v), channels),
      SM_HPS: (v) => isDeepStrictEqual(json(v), EXPECTED_HPS),
      SM_USER_ARGS: (v) => isDeepStrictEqual(json(v), EXPECTED_ARGS),
      SM_HOSTS: (v) => isDeepStrictEqual(json(v), [PROBE_HOST]),
      SM_CURRENT_HOST: (v) => v === PROBE_HOST,
      // No nvidia-smi in the container here: the toolkit counts 0 (K3).
      SM_NUM_GPUS: (v) => v === '0',
      SM_NUM_CPUS: (v) => /^[1-9]\d*$/.test(v ?? ''),
      ...Object.fromEntries(
        channels.map((name) => [
          `SM_CHANNEL_${name.toUpperCase()}`,
          (v: string | undefined) => v === `/opt/ml/input/data/${name}`,
        ]),
      ),
    };
    const wrong = Object.entries(expected)
      .filter(([name, ok]) => !ok(env[name]))
      .map(
        ([name]) => `${name}=${env[name] === undefined ? '(unset)' : JSON.stringify(env[name])}`,
      );
    return wrong.length === 0
      ? pass(`${Object.keys(expected).length} SM_* variables as SageMaker sets them`)
      : fail(`the program saw ${wrong.join(', ')}; expected the values of CONTRACT §2.3`);
  },
};
