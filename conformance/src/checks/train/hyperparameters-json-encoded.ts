import type { Check } from '../../check.ts';
import { trainsOnly } from '../support/training.ts';
import { tryJson } from '../support/json.ts';
import { judgeVariantRun } from '../support/variant-run.ts';

/**
 * What the SageMaker SDK's framework estimators send for string values: json.dumps(value), so "0.1"
 * arrives as "\"0.1\"". Values that are already JSON-encoded strings are left alone.
 */
export function jsonEncodeHyperparameters(
  hyperparameters: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(hyperparameters).map(([key, value]) => [
      key,
      isJsonString(value) ? value : JSON.stringify(value),
    ]),
  );
}

const isJsonString = (value: string): boolean => typeof tryJson(value)?.value === 'string';

export const trainHyperparametersJsonEncoded: Check = {
  id: 'train.hyperparameters.json-encoded',
  title: 'Training accepts JSON-encoded hyperparameter values ("\\"0.1\\"")',
  clauses: 'T10, §9.11',
  level: 'must',
  profile: 'training',
  hint: 'Decode each hyperparameter value with JSON.parse / json.loads first and fall back to the raw string: the SageMaker SDK JSON-encodes string values, so "0.1" arrives as "\\"0.1\\"".',
  notApplicable: (ctx) =>
    trainsOnly(ctx) ??
    (Object.keys(ctx.manifest.conformance.training?.hyperparameters ?? {}).length === 0
      ? 'the manifest has no sample hyperparameters to encode'
      : undefined),
  run: (ctx) =>
    judgeVariantRun(
      ctx,
      'json-encoded',
      {
        hyperparameters: jsonEncodeHyperparameters(
          ctx.manifest.conformance.training?.hyperparameters ?? {},
        ),
      },
      'with every hyperparameter JSON-encoded',
    ),
};
