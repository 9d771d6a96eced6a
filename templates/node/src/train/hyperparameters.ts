import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { isDecimal } from '../csv.ts';
import { excerpt } from '../excerpt.ts';
import { UserError } from '../user-error.ts';
import type { FitSettings } from '../model/fit.ts';

/** The schema sits next to package.json both in the repository and in the image (/opt/program). */
const schema = JSON.parse(
  readFileSync(new URL('../../hyperparameters.schema.json', import.meta.url), 'utf8'),
) as {
  properties: Record<string, { type?: unknown }>;
};
const validate = new Ajv({
  allErrors: true,
  coerceTypes: true,
  useDefaults: true,
}).compile<Hyperparameters>(schema);

export type Hyperparameters = FitSettings;

/** Keys SageMaker, the SDK or a tuning job add on their own (sagemaker_program, _tuning_objective_metric). */
export function isPlatformKey(key: string): boolean {
  return key.startsWith('sagemaker_') || key.startsWith('_');
}

/**
 * SageMaker sends strings; the SDK JSON-encodes some ("\"0.1\"", "\"abc\"", "true"). A value that
 * parses as JSON is decoded once: a string result is used as is, anything else becomes its text.
 */
export function decodeHyperparameterValue(value: unknown): string {
  if (typeof value !== 'string')
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    return value;
  }
  if (typeof decoded === 'string') return decoded;
  return typeof decoded === 'object' && decoded !== null
    ? JSON.stringify(decoded)
    : String(decoded);
}

/**
 * Decodes, coerces and validates hyperparameters.json against hyperparameters.schema.json, with
 * defaults filled in. Throws a UserError whose first line names the field and the fix.
 */
export function parseHyperparameters(raw: unknown): { values: Hyperparameters; ignored: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(
      `hyperparameters.json must hold a JSON object of strings, got ${Array.isArray(raw) ? 'an array' : String(raw)}. Pass HyperParameters as a map of names to string values.`,
    );
  }
  const ignored: string[] = [];
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (isPlatformKey(key)) ignored.push(key);
    else decoded[key] = decodeHyperparameterValue(value);
  }
  const problems = Object.entries(decoded).flatMap(([key, value]) => numberProblem(key, value));
  const values: Record<string, unknown> = { ...decoded };
  // The second pass judges the coerced numbers: ajv lets "Infinity" through the pass that coerces it.
  const valid = validate(values) && validate(values);
  if (problems.length > 0 || !valid) {
    const judged = new Set(problems.map((p) => p.key));
    for (const error of validate.errors ?? []) {
      if (!judged.has(error.instancePath.slice(1)))
        problems.push({ key: '', message: describeError(error, decoded) });
    }
    throw new UserError([...new Set(problems.map((p) => p.message))].join('\n'));
  }
  return { values, ignored };
}

/**
 * ajv's coercion is lenient ("0x10" becomes 16, " 5" becomes 5, "Infinity" a number), so a value
 * for a number or integer property must first be plain decimal, finite, and for an integer
 * exact (within 2^53); ajv then judges the type and the declared range.
 */
function numberProblem(key: string, value: string): { key: string; message: string }[] {
  const type = schema.properties[key]?.type;
  if (type !== 'number' && type !== 'integer') return [];
  const got = `got ${excerpt(value)}. Fix the value in HyperParameters.`;
  const kind = type === 'integer' ? 'an integer' : 'a number';
  if (!isDecimal(value.trim())) {
    return [
      {
        key,
        message: `Hyperparameter "${key}" must be ${kind} written in plain decimal (like ${type === 'integer' ? '10' : '0.1'}; not NaN, Infinity, hex or with separators), ${got}`,
      },
    ];
  }
  const n = Number(value);
  if (!Number.isFinite(n))
    return [
      {
        key,
        message: `Hyperparameter "${key}" overflows: ${kind} this large is not finite, ${got}`,
      },
    ];
  if (type === 'integer' && Number.isInteger(n) && !Number.isSafeInteger(n))
    return [{ key, message: `Hyperparameter "${key}" must be an integer within 2^53, ${got}` }];
  return [];
}

function describeError(error: ErrorObject, input: Record<string, string>): string {
  const field = error.instancePath.slice(1);
  const got = excerpt(input[field] ?? '');
  const fix = 'Fix the value in HyperParameters.';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = excerpt(String(params.additionalProperty));
      return `Unknown hyperparameter ${name}. Known hyperparameters: ${Object.keys(schema.properties).join(', ')}. Remove it or check its spelling.`;
    }
    case 'type':
      return `Hyperparameter "${field}" must be ${params.type === 'integer' ? 'an integer' : `a ${String(params.type)}`}, got ${got}. ${fix}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `Hyperparameter "${field}" must be ${String(params.comparison)} ${String(params.limit)}, got ${got}. ${fix}`;
    default:
      return `Hyperparameter "${field || '(all)'}" ${error.message ?? 'is invalid'}, got ${got}. ${fix}`;
  }
}
