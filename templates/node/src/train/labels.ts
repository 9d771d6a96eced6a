import type { Label } from '../model/model.ts';
import { excerpt } from '../excerpt.ts';
import { UserError } from '../user-error.ts';

const INTEGER = /^[+-]?\d+$/;

/**
 * The classes of the training labels, sorted: integer labels ("0", "1", "2") become numbers,
 * anything else stays a string class name.
 */
export function classesOf(labels: readonly string[]): Label[] {
  // Beyond 2^53 distinct integers would collapse into one number: keep such labels as names.
  const numeric = labels.every((l) => INTEGER.test(l) && Number.isSafeInteger(Number(l)));
  if (numeric) return [...new Set(labels.map(Number))].sort((a, b) => a - b);
  return [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Maps labels to class indices; `origin` names a row's file and line in the error for an unknown label. */
export function encodeLabels(
  labels: readonly string[],
  classes: readonly Label[],
  origin: (row: number) => string,
): number[] {
  const index = new Map(classes.map((c, k) => [String(c), k]));
  const numeric = typeof classes[0] === 'number';
  return labels.map((label, row) => {
    const key = numeric && INTEGER.test(label) ? String(Number(label)) : label;
    const k = index.get(key);
    if (k === undefined) {
      throw new UserError(
        `${origin(row)} has label ${excerpt(label)}, which the train channel does not have (classes: ${listClasses(classes)}). Remove those rows or add examples of that class to the train channel.`,
      );
    }
    return k;
  });
}

/** The classes for a message, at most 20 of them: a label column of ids can hold millions. */
export function listClasses(classes: readonly Label[]): string {
  const shown = classes.slice(0, 20).map((c) => String(c).slice(0, 30));
  return classes.length > 20
    ? `${shown.join(', ')}, ... (${classes.length} in all)`
    : shown.join(', ');
}
