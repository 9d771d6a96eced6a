import { isDecimal } from '../csv.ts';

/**
 * Starts like a number (a sign, a dot, a digit of any script) or spells one (nan, inf, infinity):
 * a cell like that is damaged data, never a column name.
 */
const NUMBER_LIKE = /^(?:[+\-.]|\p{Nd}|[+-]?(?:nan|inf|infinity)$)/iu;

/**
 * A first line is a header only if NONE of its feature cells (all but the label) could be a
 * number, damaged or not. Otherwise it is data: a first row with one bad cell must fail the job
 * naming line 1, not vanish as a "header" and train a model on the rest.
 */
export function isHeader(cells: readonly string[]): boolean {
  const features = cells.slice(1);
  return (
    features.length > 0 &&
    features.every((cell) => cell !== '' && !isDecimal(cell) && !NUMBER_LIKE.test(cell))
  );
}
