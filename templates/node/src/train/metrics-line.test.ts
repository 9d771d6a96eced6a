import { describe, expect, it } from 'vitest';
import { formatEpochLine, MAX_EPOCH_LINES, shouldLogEpoch } from './metrics-line.ts';

describe('formatEpochLine', () => {
  it('prints key=value pairs that a MetricDefinitions regex captures', () => {
    const line = formatEpochLine({
      epoch: 3,
      train_loss: 0.41234,
      train_accuracy: 0.91,
      validation_loss: 0.5,
      validation_accuracy: 0.875,
    });
    expect(line).toBe(
      'epoch=3 train_loss=0.4123 train_accuracy=0.9100 validation_loss=0.5000 validation_accuracy=0.8750',
    );
    expect(line.match(/train_loss=([0-9.]+)/)?.[1]).toBe('0.4123');
    expect(line.match(/validation_accuracy=([0-9.]+)/)?.[1]).toBe('0.8750');
  });

  it('leaves out validation metrics without a validation channel', () => {
    expect(formatEpochLine({ epoch: 1, train_loss: 1, train_accuracy: 0.5 })).toBe(
      'epoch=1 train_loss=1.0000 train_accuracy=0.5000',
    );
  });
});

describe('shouldLogEpoch', () => {
  const logged = (epochs: number) =>
    Array.from({ length: epochs }, (_, i) => i + 1).filter((e) => shouldLogEpoch(e, epochs));

  it('logs every epoch of a short run', () => {
    expect(logged(50)).toHaveLength(50);
  });

  it('logs at most MAX_EPOCH_LINES lines of a long run, first and last included', () => {
    for (const epochs of [101, 999, 10_000]) {
      const lines = logged(epochs);
      expect(lines.length).toBeLessThanOrEqual(MAX_EPOCH_LINES);
      expect(lines.length).toBeGreaterThan(MAX_EPOCH_LINES / 2);
      expect(lines[0]).toBe(1);
      expect(lines.at(-1)).toBe(epochs);
    }
  });
});
