import type { EpochMetrics } from '../model/fit.ts';

/** At most this many epoch lines reach the log, however many epochs run. */
export const MAX_EPOCH_LINES = 100;

/**
 * One regex-friendly line per logged epoch, e.g.
 * `epoch=3 train_loss=0.4123 train_accuracy=0.9100 validation_loss=0.4410 validation_accuracy=0.8900`
 * (a MetricDefinition such as `train_loss=([0-9.]+)` captures it).
 */
export function formatEpochLine(m: EpochMetrics): string {
  const parts = [
    `epoch=${m.epoch}`,
    `train_loss=${m.train_loss.toFixed(4)}`,
    `train_accuracy=${m.train_accuracy.toFixed(4)}`,
  ];
  if (m.validation_loss !== undefined)
    parts.push(`validation_loss=${m.validation_loss.toFixed(4)}`);
  if (m.validation_accuracy !== undefined)
    parts.push(`validation_accuracy=${m.validation_accuracy.toFixed(4)}`);
  return parts.join(' ');
}

/** Logs the first and last epoch and evenly spaced ones in between, at most MAX_EPOCH_LINES in all. */
export function shouldLogEpoch(epoch: number, epochs: number, maxLines = MAX_EPOCH_LINES): boolean {
  if (epochs <= maxLines || epoch === 1 || epoch === epochs) return true;
  const every = Math.ceil(epochs / (maxLines - 2));
  return epoch % every === 0;
}
