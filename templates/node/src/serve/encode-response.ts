import { csvCell } from '../csv.ts';
import type { Prediction } from '../model/model.ts';

export const SUPPORTED_ACCEPT = ['application/json', 'text/csv'] as const;
export type SupportedAccept = (typeof SUPPORTED_ACCEPT)[number];

/** application/json: {"predictions": [{"label", "probabilities"}]}; text/csv: one label per line. */
export function encodePredictions(predictions: Prediction[], accept: SupportedAccept): string {
  if (accept === 'text/csv') return predictions.map((p) => `${csvCell(p.label)}\n`).join('');
  return JSON.stringify({ predictions });
}
