import type { RecordFormat } from './records.ts';
import { BAD_BYTE } from './wire.ts';

/**
 * Ways to damage one record so that a strict server must refuse it (R3). `csv` replaces a number
 * cell; `json` is the raw JSON text put where a number was. Ids are stable: template.json's
 * `conformance.robustness.accept` refers to them as `record.<kind>`.
 */
const VALUES: { kind: string; csv: string[]; json: string[] }[] = [
  { kind: 'nan', csv: ['nan', 'NaN'], json: ['NaN'] },
  { kind: 'infinity', csv: ['inf', 'Infinity', '-Infinity'], json: ['Infinity', '-Infinity'] },
  { kind: 'float32-overflow', csv: ['1e39', '-3.5e38'], json: ['1e39', '-3.5e38'] },
  { kind: 'huge-integer', csv: [`1${'0'.repeat(400)}`], json: [`1${'0'.repeat(400)}`] },
  { kind: 'unicode-digits', csv: ['١٢', '１２'], json: ['"١٢"', '"１２"'] },
  { kind: 'digit-separators', csv: ['1_000'], json: ['"1_000"'] },
  { kind: 'hex', csv: ['0x10'], json: ['"0x10"'] },
  { kind: 'empty-value', csv: [''], json: ['null'] },
  { kind: 'text-value', csv: ['wide'], json: ['"wide"'] },
  { kind: 'boolean-value', csv: ['true'], json: ['true'] },
];

/** Kinds that put a bad value where a number was (the record still has its shape). */
export const VALUE_DAMAGE_KINDS = VALUES.map((v) => v.kind);
export const RECORD_DAMAGE_KINDS = [
  ...VALUE_DAMAGE_KINDS,
  'missing-value',
  'extra-value',
  'non-utf8',
] as const;

/** A token as messages show it: a huge one is cut, with its length. */
const shown = (token: string) =>
  token.length > 24 ? `${token.slice(0, 12)}…(${token.length} characters)` : token;

export interface DamagedRecord {
  kind: string;
  /** e.g. `"nan" in place of 5.1` */
  what: string;
  record: string;
}

/** `record` damaged as `kind`, or undefined when the record has nothing that kind can damage. */
export function damageRecord(
  record: string,
  format: RecordFormat,
  kind: string,
  pick: <T>(items: readonly T[]) => T,
): DamagedRecord | undefined {
  return format === 'csv' ? damageCsv(record, kind, pick) : damageJson(record, kind, pick);
}

const STRICT_NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function damageCsv(
  record: string,
  kind: string,
  pick: <T>(items: readonly T[]) => T,
): DamagedRecord | undefined {
  const cells = record.split(',');
  const numeric = cells.flatMap((c, i) => (STRICT_NUMBER.test(c) ? [i] : []));
  if (numeric.length === 0) return undefined;
  const at = pick(numeric);
  const set = (value: string) => cells.map((c, i) => (i === at ? value : c)).join(',');
  const value = VALUES.find((v) => v.kind === kind);
  if (value) {
    const token = pick(value.csv);
    return {
      kind,
      what: `${JSON.stringify(shown(token))} in place of ${cells[at]}`,
      record: set(token),
    };
  }
  if (kind === 'missing-value')
    return { kind, what: 'one value fewer', record: cells.slice(0, -1).join(',') };
  if (kind === 'extra-value')
    return { kind, what: 'one value more', record: `${record},${cells[at]}` };
  if (kind === 'non-utf8')
    return { kind, what: 'bytes that are not UTF-8', record: set(`${cells[at]}${BAD_BYTE}`) };
  return undefined;
}

type Path = (string | number)[];

function damageJson(
  record: string,
  kind: string,
  pick: <T>(items: readonly T[]) => T,
): DamagedRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(record);
  } catch {
    return undefined;
  }
  const numbers = leaves(value, []).filter(([, v]) => typeof v === 'number');
  if (numbers.length === 0) return undefined;
  const [path, original] = pick(numbers);
  const placeholder = '\u0000damage\u0000';
  const replaced = (raw: string) =>
    JSON.stringify(setAt(value, path, placeholder)).replace(JSON.stringify(placeholder), raw);
  const bad = VALUES.find((v) => v.kind === kind);
  if (bad) {
    const token = pick(bad.json);
    return {
      kind,
      what: `${shown(token)} in place of ${String(original)}`,
      record: replaced(token),
    };
  }
  const parent = path.slice(0, -1);
  const list = getAt(value, parent);
  if (kind === 'missing-value' && Array.isArray(list) && list.length > 1)
    return {
      kind,
      what: 'one value fewer',
      record: JSON.stringify(setAt(value, parent, list.slice(0, -1))),
    };
  if (kind === 'extra-value' && Array.isArray(list))
    return {
      kind,
      what: 'one value more',
      record: JSON.stringify(setAt(value, parent, [...list, original])),
    };
  if (kind === 'non-utf8')
    return {
      kind,
      what: 'bytes that are not UTF-8',
      record: replaced(`${String(original)}${BAD_BYTE}`),
    };
  return undefined;
}

function leaves(value: unknown, path: Path): [Path, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [[path, value]];
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], value);
}

function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[key!] = setAt(copy[key!], rest, replacement);
  return copy;
}
