import { describe, expect, it } from 'vitest';
import { parseLabelledCsv } from '../train/read-channel.ts';
import { classesOf, encodeLabels } from '../train/labels.ts';
import { separableCsv } from '../testing/sagemaker-tree.ts';
import { UserError } from '../user-error.ts';
import {
  fitSoftmaxRegression,
  standardizationOf,
  TrainingStopped,
  type FitSettings,
} from './fit.ts';
import { predict } from './model.ts';

const SETTINGS: FitSettings = { epochs: 20, learning_rate: 0.1, batch_size: 8, l2: 0, seed: 42 };

function dataset(rowsPerClass: number, seed: number) {
  const { labels, features } = parseLabelledCsv(separableCsv(rowsPerClass, seed), 'data.csv');
  const classes = classesOf(labels);
  return {
    classes,
    features,
    labels,
    targets: encodeLabels(labels, classes, (row) => `data.csv row ${row + 1}`),
  };
}

describe('fitSoftmaxRegression', () => {
  it('separates three linearly separable classes, on held-out data too', async () => {
    const train = dataset(30, 1);
    const heldOut = dataset(20, 2);
    const epochs: number[] = [];
    const { model, history } = await fitSoftmaxRegression(train, SETTINGS, {
      classes: train.classes,
      validation: heldOut,
      onEpoch: (m) => epochs.push(m.epoch),
    });
    expect(epochs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const last = history.at(-1)!;
    expect(last.train_accuracy).toBe(1);
    expect(last.validation_accuracy).toBe(1);
    expect(last.train_loss).toBeLessThan(history[0]!.train_loss);
    expect(last.train_loss).toBeLessThan(0.1);
    expect(predict(model, heldOut.features).map((p) => p.label)).toEqual(heldOut.labels);
    expect(model.classes).toEqual(['blue', 'green', 'red']);
    expect(model.weights).toHaveLength(3);
    expect(model.weights[0]).toHaveLength(2);
  });

  it('gives the same model for the same seed and a different one for another seed', async () => {
    const train = dataset(10, 1);
    const a = await fitSoftmaxRegression(train, SETTINGS, { classes: train.classes });
    const b = await fitSoftmaxRegression(train, SETTINGS, { classes: train.classes });
    const c = await fitSoftmaxRegression(
      train,
      { ...SETTINGS, seed: 7 },
      { classes: train.classes },
    );
    expect(b.model).toEqual(a.model);
    expect(c.model.weights).not.toEqual(a.model.weights);
  });

  it('shrinks the weights with l2', async () => {
    const train = dataset(10, 1);
    const norm = (w: number[][]) => w.flat().reduce((s, v) => s + v * v, 0);
    const plain = await fitSoftmaxRegression(train, SETTINGS, { classes: train.classes });
    const decayed = await fitSoftmaxRegression(
      train,
      { ...SETTINGS, l2: 0.1 },
      { classes: train.classes },
    );
    expect(norm(decayed.model.weights)).toBeLessThan(norm(plain.model.weights));
  });

  it('stops between mini-batches once the signal is aborted, and promptly', async () => {
    const train = dataset(300, 1);
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGTERM'), 50);
    const started = performance.now();
    const run = fitSoftmaxRegression(
      train,
      { ...SETTINGS, epochs: 100_000, batch_size: 1 },
      { classes: train.classes, signal: controller.signal },
    );
    await expect(run).rejects.toThrow(TrainingStopped);
    await expect(run).rejects.toThrow('SIGTERM');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('reports divergence as a user error naming learning_rate and l2', async () => {
    const train = dataset(10, 1);
    const run = fitSoftmaxRegression(
      train,
      { ...SETTINGS, learning_rate: 10, l2: 1, epochs: 1000 },
      { classes: train.classes },
    );
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(
      /^Training diverged at epoch \d+: the weights overflowed \(train_loss is NaN\)\. Lower the hyperparameter "learning_rate" \(now 10\) or "l2" \(now 1\)/,
    );
  });
});

describe('standardizationOf', () => {
  it('gives mean and std per feature, and std 1 for a constant feature', () => {
    expect(
      standardizationOf([
        [1, 5],
        [3, 5],
      ]),
    ).toEqual({ mean: [2, 5], std: [1, 1] });
  });
});
