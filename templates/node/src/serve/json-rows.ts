import { FLOAT32_MAX } from '../csv.ts';
import { wrongCount } from './csv-rows.ts';
import { describeValue } from './describe-value.ts';
import { badRequest } from './http-error.ts';

export const JSON_SHAPES =
  'Send {"instances": [[f1, f2, ...], ...]}, {"features": [f1, f2, ...]} or an array of rows';

/**
 * Rows of features from an application/json body: {"instances": [[...], ...]},
 * {"instances": [{"features": [...]}]}, {"features": [...]}, a bare array of rows, or one row.
 * Each instance is a record: one prediction per instance, in order.
 */
export function jsonRows(text: string, featureCount: number): number[][] {
  let value: unknown;
  try {
    // V8 parses iteratively: deep nesting is a SyntaxError or a value, never a stack overflow.
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The body is not valid JSON (${(error as Error).message}). ${JSON_SHAPES}.`);
  }
  return instancesOf(value).map((instance, i) => jsonRow(instance, i + 1, featureCount));
}

function instancesOf(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    // A bare row ([5.1, 3.5, ...]) is one instance; otherwise each item is one.
    const first: unknown = value[0];
    return value.length > 0 && !Array.isArray(first) && !isObject(first) ? [value] : value;
  }
  if (isObject(value) && 'instances' in value) {
    if (Array.isArray(value.instances)) return value.instances;
    throw badRequest(
      `"instances" is ${describeValue(value.instances)}, expected an array of rows. ${JSON_SHAPES}.`,
    );
  }
  if (isObject(value) && Array.isArray(value.features)) return [value.features];
  throw badRequest(`The JSON body has none of the accepted shapes. ${JSON_SHAPES}.`);
}

function jsonRow(instance: unknown, row: number, featureCount: number): number[] {
  const values = isObject(instance) ? instance.features : instance;
  if (!Array.isArray(values)) {
    const what = isObject(instance)
      ? `has "features" ${describeValue(values)}`
      : `is ${describeValue(instance)}`;
    throw badRequest(`Row ${row} ${what}, not an array of numbers. ${JSON_SHAPES}.`);
  }
  values.forEach((v: unknown, j) => {
    // `!(|v| <= max)` also catches NaN; JSON.parse turns 1e400 into Infinity.
    if (typeof v !== 'number' || !(Math.abs(v) <= FLOAT32_MAX)) {
      throw badRequest(
        `Row ${row}, column ${j + 1}: ${describeValue(v)} is not a number within float32 range (|x| <= 3.4028235e38). Send numeric features only.`,
      );
    }
  });
  if (values.length !== featureCount) throw wrongCount(row, values.length, featureCount);
  return values as number[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
