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
  // A loop, not Math.max(...z): spreading a long array overflows the stack.
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  const exp = z.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

export interface Prediction {
  label: Label;
  /** Probability per class, keyed by the class label. */
  probabilities: Record<string, number>;
}

/** Class probabilities of one raw row (standardized here). */
export function predictProbabilities(model: SoftmaxModel, row: readonly number[]): number[] {
  return Array.from(scorer(model)(row));
}

/**
 * The serving hot path: standardize, score and softmax one row into buffers reused across rows
 * (a 6 MB batch is ~400,000 rows; allocating arrays per row costs more than the arithmetic).
 */
function scorer(model: SoftmaxModel): (row: readonly number[]) => Float64Array {
  const { weights, bias, standardization } = model;
  const { mean, std } = standardization;
  const x = new Float64Array(model.featureCount);
  const p = new Float64Array(bias.length);
  return (row) => {
    for (let j = 0; j < x.length; j++) x[j] = (row[j]! - mean[j]!) / std[j]!;
    let max = -Infinity;
    for (let k = 0; k < p.length; k++) {
      const w = weights[k]!;
      let z = bias[k]!;
      for (let j = 0; j < x.length; j++) z += w[j]! * x[j]!;
      p[k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < p.length; k++) sum += p[k] = Math.exp(p[k]! - max);
    for (let k = 0; k < p.length; k++) p[k]! /= sum;
    return p;
  };
}

/**
 * Thrown by predict for a row the weights cannot turn into finite probabilities (features so
 * extreme that a score overflows): answering NaN or null would pass garbage on as a prediction.
 */
export class NonFinitePrediction extends Error {
  override name = 'NonFinitePrediction';
  /** 1-based, as error messages count rows. */
  constructor(readonly row: number) {
    super(`row ${row} gives no finite prediction`);
  }
}

const OWN = (value: number): PropertyDescriptor => ({
  value,
  enumerable: true,
  writable: true,
  configurable: true,
});

export function predict(model: SoftmaxModel, rows: readonly (readonly number[])[]): Prediction[] {
  const names = model.classes.map(String);
  const protoIndex = names.indexOf('__proto__');
  const score = scorer(model);
  return rows.map((row, i) => {
    const p = score(row);
    let best = 0;
    const probabilities: Record<string, number> = {};
    for (let k = 0; k < p.length; k++) {
      const v = p[k]!;
      if (!Number.isFinite(v)) throw new NonFinitePrediction(i + 1);
      if (v > p[best]!) best = k;
      // defineProperty, not `=`: a class named "__proto__" must stay a key, not set the prototype.
      if (k === protoIndex) Object.defineProperty(probabilities, names[k]!, OWN(v));
      else probabilities[names[k]!] = v;
    }
    return { label: model.classes[best]!, probabilities };
  });
}
