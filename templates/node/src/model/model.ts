/** A class label as it appeared in the training data: integer classes stay numbers. */
export type Label = string | number;

/**
 * A trained multinomial logistic regression: z = W·((x - mean) / std) + b, p = softmax(z).
 * This is the shape of /opt/ml/model/model.json (plus `format` and bookkeeping fields).
 */
export interface SoftmaxModel {
  classes: Label[];
  featureCount: number;
  /** Column names from the training CSV header, when it had one. */
  featureNames?: string[];
  standardization: { mean: number[]; std: number[] };
  /** One row of `featureCount` weights per class. */
  weights: number[][];
  bias: number[];
}

export function standardize(
  row: readonly number[],
  { mean, std }: SoftmaxModel['standardization'],
): number[] {
  return row.map((value, j) => (value - mean[j]!) / std[j]!);
}

/** Class scores for one standardized row. */
export function logits(
  weights: readonly number[][],
  bias: readonly number[],
  x: readonly number[],
): number[] {
  return weights.map((w, k) => {
    let z = bias[k]!;
    for (let j = 0; j < x.length; j++) z += w[j]! * x[j]!;
    return z;
  });
}

/** Numerically stable softmax. */
export function softmax(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const exp = z.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

export interface Prediction {
  label: Label;
  /** Probability per class, keyed by the class label. */
  probabilities: Record<string, number>;
}

export function predictProbabilities(model: SoftmaxModel, row: readonly number[]): number[] {
  return softmax(logits(model.weights, model.bias, standardize(row, model.standardization)));
}

export function predict(model: SoftmaxModel, rows: readonly (readonly number[])[]): Prediction[] {
  return rows.map((row) => {
    const p = predictProbabilities(model, row);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return {
      label: model.classes[best]!,
      probabilities: Object.fromEntries(model.classes.map((c, k) => [String(c), p[k]!])),
    };
  });
}
