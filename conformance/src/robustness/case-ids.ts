import { DATA_KINDS } from './data-garbage.ts';
import { HYPERPARAMETER_KINDS } from './hyperparameter-garbage.ts';
import { RECORD_DAMAGE_KINDS } from './record-damage.ts';

/** Every id `conformance.robustness.accept` may name: the kinds of garbage the strict default refuses. */
export const ROBUSTNESS_CASE_IDS: readonly string[] = [
  ...RECORD_DAMAGE_KINDS.map((k) => `record.${k}`),
  ...HYPERPARAMETER_KINDS.map((k) => `hyperparameter.${k}`),
  ...DATA_KINDS.map((k) => `data.${k}`),
];
