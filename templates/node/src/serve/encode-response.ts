import { csvCell } from '../csv.ts';
import type { Prediction } from '../model/model.ts';

export const SUPPORTED_ACCEPT = ['application/json', 'text/csv'] as const;
export type SupportedAccept = (typeof SUPPORTED_ACCEPT)[number];

/** application/json: {"predictions": [{"label", "probabilities"}]}; text/csv: one label per line. */
export function encodePredictions(predictions: Prediction[], accept: SupportedAccept): string {
  if (accept === 'text/csv') return predictions.map((p) => `${csvCell(p.label)}\n`).join('');
  return JSON.stringify({ predictions });
}

/** The Content-Type header of an answer in `accept`. */
export function responseType(accept: SupportedAccept): string {
  return accept === 'text/csv' ? 'text/csv; charset=utf-8' : 'application/json';
}

/**
 * encodePredictions for an answer written batch by batch: `prefix`, the batches' `part`s joined
 * by `separator`, then `suffix`, are byte for byte encodePredictions of all the predictions.
 */
export interface PiecewiseEncoding {
  prefix: string;
  separator: string;
  suffix: string;
  /** One non-empty batch. */
  part: (predictions: Prediction[]) => string;
}

export function piecewiseEncoding(accept: SupportedAccept): PiecewiseEncoding {
  if (accept === 'text/csv')
    return { prefix: '', separator: '', suffix: '', part: (p) => encodePredictions(p, accept) };
  // JSON.stringify puts no spaces between array items, so the batches' items join with ",".
  return {
    prefix: '{"predictions":[',
    separator: ',',
    suffix: ']}',
    part: (p) => JSON.stringify(p).slice(1, -1),
  };
}
