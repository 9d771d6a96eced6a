import {
  NonFinitePrediction,
  predict,
  type Prediction,
  type SoftmaxModel,
} from '../model/model.ts';
import { badRequest } from './http-error.ts';

/**
 * Predictions, or a 400 for a row that has no finite one (R2: never a 200 with null or NaN).
 * `firstRow` is the record number of `rows[0]` in the body, for a batch from the middle of one.
 */
export function predictOrRefuse(
  model: SoftmaxModel,
  rows: readonly (readonly number[])[],
  firstRow = 1,
): Prediction[] {
  try {
    return predict(model, rows);
  } catch (error) {
    if (!(error instanceof NonFinitePrediction)) throw error;
    throw badRequest(
      `Row ${firstRow - 1 + error.row}: the model cannot turn these features into a finite prediction (a class score overflows). Send features in the range the model was trained on.`,
    );
  }
}
