import type { Label } from '../model/model.ts';
import { UserError } from '../user-error.ts';

const INTEGER = /^[+-]?\d+$/;

/**
 * The classes of the training labels, sorted: integer labels ("0", "1", "2") become numbers,
 * anything else stays a string class name.
 */
export function classesOf(labels: readonly string[]): Label[] {
  const numeric = labels.every((l) => INTEGER.test(l));
  if (numeric) return [...new Set(labels.map(Number))].sort((a, b) => a - b);
  return [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Maps labels to class indices; `channel` names the data in the error for an unknown label. */
export function encodeLabels(
  labels: readonly string[],
  classes: readonly Label[],
  channel: string,
): number[] {
  const index = new Map(classes.map((c, k) => [String(c), k]));
  const numeric = typeof classes[0] === 'number';
  return labels.map((label, row) => {
    const key = numeric && INTEGER.test(label) ? String(Number(label)) : label;
    const k = index.get(key);
    if (k === undefined) {
      throw new UserError(
        `Channel "${channel}" row ${row + 1} has label ${JSON.stringify(label)}, which the train channel does not have (classes: ${classes.join(', ')}). Remove those rows or add examples of that class to the train channel.`,
      );
    }
    return k;
  });
}
