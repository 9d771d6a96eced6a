import { UserError } from '../user-error.ts';
import { logits, softmax, standardize, type Label, type SoftmaxModel } from './model.ts';
import { seededRandom, shuffle } from './random.ts';

/** Rows of features with the index of their class in `classes`. */
export interface EncodedSet {
  features: number[][];
  targets: number[];
}

export type FitSettings = {
  epochs: number;
  learning_rate: number;
  batch_size: number;
  l2: number;
  seed: number;
};

export type EpochMetrics = {
  epoch: number;
  train_loss: number;
  train_accuracy: number;
  validation_loss?: number;
  validation_accuracy?: number;
};

export interface FitOptions {
  classes: Label[];
  featureNames?: string[];
  validation?: EncodedSet;
  /** Checked between mini-batches: training stops promptly once it is aborted. */
  signal?: AbortSignal;
  onEpoch?: (metrics: EpochMetrics) => void;
}

/** Thrown when the signal aborts training; carries the abort reason (e.g. "SIGTERM"). */
export class TrainingStopped extends Error {
  override name = 'TrainingStopped';
}

/** How long the loop may run before it lets the event loop deliver signals. */
const YIELD_EVERY_MS = 20;
const EPSILON = 1e-15;

/**
 * Multinomial logistic regression (softmax) fitted with shuffled mini-batch gradient descent on
 * standardized features, with optional L2 weight decay. Deterministic for a given seed.
 */
export async function fitSoftmaxRegression(
  train: EncodedSet,
  settings: FitSettings,
  options: FitOptions,
): Promise<{ model: SoftmaxModel; history: EpochMetrics[] }> {
  const classCount = options.classes.length;
  const featureCount = train.features[0]?.length ?? 0;
  const standardization = standardizationOf(train.features);
  const x = train.features.map((row) => standardize(row, standardization));
  const validation = options.validation && {
    x: options.validation.features.map((row) => standardize(row, standardization)),
    targets: options.validation.targets,
  };
  const weights = Array.from({ length: classCount }, () => new Array<number>(featureCount).fill(0));
  const bias = new Array<number>(classCount).fill(0);
  const random = seededRandom(settings.seed);
  const order = x.map((_, i) => i);
  const history: EpochMetrics[] = [];
  let lastYield = performance.now();

  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    shuffle(order, random);
    for (let start = 0; start < order.length; start += settings.batch_size) {
      const batch = order.slice(start, start + settings.batch_size);
      step(weights, bias, batch, x, train.targets, settings);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (options.signal?.aborted)
        throw new TrainingStopped(String(options.signal.reason ?? 'aborted'));
    }
    const metrics = epochMetrics(epoch, weights, bias, { x, targets: train.targets }, validation);
    assertConverging(metrics, weights, settings);
    history.push(metrics);
    options.onEpoch?.(metrics);
  }

  const model: SoftmaxModel = {
    classes: options.classes,
    featureCount,
    ...(options.featureNames ? { featureNames: options.featureNames } : {}),
    standardization,
    weights,
    bias,
  };
  return { model, history };
}

/** Loss and accuracy after an epoch, on the training rows and on the validation rows if any. */
function epochMetrics(
  epoch: number,
  weights: number[][],
  bias: number[],
  train: { x: number[][]; targets: number[] },
  validation: { x: number[][]; targets: number[] } | undefined,
): EpochMetrics {
  const fitted = evaluate(weights, bias, train.x, train.targets);
  const metrics: EpochMetrics = { epoch, train_loss: fitted.loss, train_accuracy: fitted.accuracy };
  if (validation) {
    const held = evaluate(weights, bias, validation.x, validation.targets);
    metrics.validation_loss = held.loss;
    metrics.validation_accuracy = held.accuracy;
  }
  return metrics;
}

/** A NaN or infinite model must never be saved as a success (R5): the learning rate is to blame. */
function assertConverging(metrics: EpochMetrics, weights: number[][], settings: FitSettings): void {
  if (Number.isFinite(metrics.train_loss) && weights.every((row) => row.every(Number.isFinite)))
    return;
  throw new UserError(
    `Training diverged at epoch ${metrics.epoch}: the weights overflowed (train_loss is ${metrics.train_loss}). Lower the hyperparameter "learning_rate" (now ${settings.learning_rate})${settings.l2 > 0 ? ` or "l2" (now ${settings.l2}): keep learning_rate × l2 well below 1` : ''}.`,
  );
}

/** One gradient step on a mini-batch (mean cross-entropy plus l2/2·‖W‖²). */
function step(
  weights: number[][],
  bias: number[],
  batch: number[],
  x: number[][],
  targets: number[],
  settings: FitSettings,
): void {
  const classCount = bias.length;
  const featureCount = weights[0]?.length ?? 0;
  const gradW = Array.from({ length: classCount }, () => new Array<number>(featureCount).fill(0));
  const gradB = new Array<number>(classCount).fill(0);
  for (const i of batch) {
    const row = x[i]!;
    const p = softmax(logits(weights, bias, row));
    for (let k = 0; k < classCount; k++) {
      const g = p[k]! - (targets[i] === k ? 1 : 0);
      gradB[k]! += g;
      const gw = gradW[k]!;
      for (let j = 0; j < featureCount; j++) gw[j]! += g * row[j]!;
    }
  }
  const rate = settings.learning_rate / batch.length;
  for (let k = 0; k < classCount; k++) {
    const w = weights[k]!;
    const gw = gradW[k]!;
    for (let j = 0; j < featureCount; j++)
      w[j] = w[j]! - rate * gw[j]! - settings.learning_rate * settings.l2 * w[j]!;
    bias[k] = bias[k]! - rate * gradB[k]!;
  }
}

/** Mean cross-entropy and accuracy of the current weights on a standardized set. */
function evaluate(
  weights: number[][],
  bias: number[],
  x: number[][],
  targets: number[],
): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  x.forEach((row, i) => {
    const p = softmax(logits(weights, bias, row));
    const target = targets[i]!;
    loss -= Math.log(Math.max(p[target]!, EPSILON));
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    if (best === target) correct++;
  });
  const n = Math.max(x.length, 1);
  return { loss: loss / n, accuracy: correct / n };
}

/** Per-feature mean and standard deviation; a constant feature gets std 1 so it stays finite. */
export function standardizationOf(rows: number[][]): SoftmaxModel['standardization'] {
  const featureCount = rows[0]?.length ?? 0;
  const n = Math.max(rows.length, 1);
  const mean = new Array<number>(featureCount).fill(0);
  for (const row of rows) row.forEach((v, j) => (mean[j]! += v / n));
  const variance = new Array<number>(featureCount).fill(0);
  for (const row of rows) row.forEach((v, j) => (variance[j]! += (v - mean[j]!) ** 2 / n));
  const std = variance.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1));
  return { mean, std };
}
