/**
 * Hyperparameter values an image cannot use (R5), derived from the template's hyperparameter JSON
 * Schema, or from the sample values where there is none. Kinds are stable ids:
 * `conformance.robustness.accept` refers to them as `hyperparameter.<kind>`.
 */
export interface HyperparameterCase {
  kind: string;
  name: string;
  value: string;
  what: string;
}

interface PropertySchema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
}

export const HYPERPARAMETER_KINDS = [
  'wrong-type',
  'fraction',
  'below-minimum',
  'above-maximum',
  'nan',
  'infinity',
  'huge',
  'not-in-enum',
] as const;

type Kind = (typeof HYPERPARAMETER_KINDS)[number];

function typeOf(schema: PropertySchema): string | undefined {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return ['integer', 'number', 'boolean', 'string'].find((t) => types.includes(t));
}

/** The type a sample value suggests when no schema says: what SageMaker users put there. */
function inferredSchema(value: string): PropertySchema {
  let decoded: unknown = value;
  try {
    decoded = JSON.parse(value);
    if (typeof decoded === 'string') decoded = JSON.parse(decoded);
  } catch {
    // a plain string stays one
  }
  if (typeof decoded === 'number')
    return { type: Number.isInteger(decoded) ? 'integer' : 'number' };
  if (typeof decoded === 'boolean' || value === 'True' || value === 'False')
    return { type: 'boolean' };
  return { type: 'string' };
}

function numericCases(schema: PropertySchema, integer: boolean): [Kind, string, string][] {
  const cases: [Kind, string, string][] = [
    ['wrong-type', 'wide', 'a word where a number belongs'],
    ['nan', 'NaN', 'NaN'],
    ['nan', 'nan', 'nan'],
    ['infinity', 'Infinity', 'Infinity'],
    ['infinity', '-inf', '-inf'],
    [
      'huge',
      integer ? `1${'0'.repeat(23)}` : '1e400',
      integer ? '10^23, beyond 2^53' : '1e400, beyond float64',
    ],
  ];
  if (integer) cases.push(['fraction', '2.5', 'a fraction where an integer belongs']);
  const low =
    schema.exclusiveMinimum ?? (schema.minimum === undefined ? undefined : schema.minimum - 1);
  if (low !== undefined) cases.push(['below-minimum', String(low), `${low}, below the minimum`]);
  const high =
    schema.exclusiveMaximum ?? (schema.maximum === undefined ? undefined : schema.maximum + 1);
  if (high !== undefined) cases.push(['above-maximum', String(high), `${high}, above the maximum`]);
  return cases;
}

function casesFor(schema: PropertySchema): [Kind, string, string][] {
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') return numericCases(schema, type === 'integer');
  if (type === 'boolean') return [['wrong-type', 'maybe', 'maybe, neither true nor false']];
  if (type === 'string' && schema.enum?.length)
    return [['not-in-enum', 'none-of-these', 'a value outside its enum']];
  return [];
}

/**
 * Every case for every declared property (or, without a schema, every sample hyperparameter).
 * `jsonEncode` picks which values travel JSON-encoded, as SDK estimators send strings (T10).
 */
export function hyperparameterCases(
  schema: { properties?: Record<string, PropertySchema> } | undefined,
  sample: Record<string, string>,
  jsonEncode: () => boolean = () => false,
): HyperparameterCase[] {
  const properties = schema?.properties
    ? Object.entries(schema.properties)
    : Object.entries(sample).map(([name, value]) => [name, inferredSchema(value)] as const);
  return properties.flatMap(([name, property]) =>
    casesFor(property).map(([kind, raw, what]) => {
      const value = jsonEncode() ? JSON.stringify(raw) : raw;
      return { kind, name, value, what: `${name}=${JSON.stringify(value)} (${what})` };
    }),
  );
}
