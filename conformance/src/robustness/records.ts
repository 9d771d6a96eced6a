/**
 * Request and answer bodies seen as records, the unit batch transform joins by position (R3):
 * CSV lines, JSON instances, JSON Lines lines.
 */
export type RecordFormat = 'csv' | 'json' | 'jsonlines';

const JSON_LINES = new Set([
  'application/jsonlines',
  'application/jsonl',
  'application/x-jsonlines',
  'application/json-lines',
]);

/** `text/csv; charset=utf-8` → `text/csv`. */
export const essence = (contentType: string): string =>
  (contentType.split(';')[0] ?? '').trim().toLowerCase();

export function recordFormat(contentType: string): RecordFormat | undefined {
  const type = essence(contentType);
  if (type === 'text/csv') return 'csv';
  if (type === 'application/json') return 'json';
  if (JSON_LINES.has(type)) return 'jsonlines';
  return undefined;
}

/** A sample body cut into records, to be repeated or damaged, and put back together. */
export interface RecordBody {
  format: RecordFormat;
  /** Each record's text: a CSV line, a JSON Lines line, or the JSON text of one instance. */
  records: string[];
  render(records: readonly string[]): string;
}

const lines = (body: string) =>
  body
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');

/** The records of a sample body, or undefined when it holds no list of records (e.g. one bare row). */
export function splitRecords(contentType: string, body: string): RecordBody | undefined {
  const format = recordFormat(contentType);
  if (format === 'csv' || format === 'jsonlines') {
    const records = lines(body);
    if (records.length === 0) return undefined;
    return { format, records, render: (rs) => `${rs.join('\n')}\n` };
  }
  if (format !== 'json') return undefined;
  const value = parseJson(body);
  if (Array.isArray(value) && value.length > 0 && value.every(isStructured)) {
    return { format, records: value.map((v) => JSON.stringify(v)), render: (rs) => `[${rs}]` };
  }
  if (isObject(value) && Array.isArray(value.instances) && value.instances.length > 0) {
    const marker = '"__conformance_records__"';
    const shell = JSON.stringify({ ...value, instances: '__conformance_records__' });
    return {
      format,
      records: value.instances.map((v) => JSON.stringify(v)),
      render: (rs) => shell.replace(marker, `[${rs.join(',')}]`),
    };
  }
  return undefined;
}

/**
 * How many records an answer holds: lines of CSV and JSON Lines; for JSON, the length of a top-level
 * array, of `predictions`, or of the object's only array. Undefined when the shape says nothing.
 */
export function countAnswerRecords(contentType: string, body: string): number | undefined {
  return answerRecords(contentType, body)?.length;
}

/**
 * The records of an answer, each as text (a line, or one JSON item re-serialized), in order; the
 * same shapes as {@link countAnswerRecords}.
 */
export function answerRecords(contentType: string, body: string): string[] | undefined {
  const format = recordFormat(contentType);
  if (format === 'csv' || format === 'jsonlines') return lines(body);
  if (format !== 'json') return undefined;
  const value = parseJson(body);
  const items = (list: unknown[]) => list.map((item) => JSON.stringify(item));
  if (Array.isArray(value)) return items(value);
  if (!isObject(value)) return undefined;
  if (Array.isArray(value.predictions)) return items(value.predictions);
  const arrays = Object.values(value).filter(Array.isArray);
  return arrays.length === 1 ? items(arrays[0]!) : undefined;
}

const NON_FINITE_CELL = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Why a 2xx answer is not valid in the content type it declares (R2), or undefined when it is:
 * text must be UTF-8, JSON must parse strictly (NaN and Infinity are not JSON), every JSON Lines line
 * must, and CSV must hold no nan/inf cells. Other content types are not judged.
 */
export function answerProblem(contentType: string, raw: Buffer): string | undefined {
  const format = recordFormat(contentType);
  if (!format) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return `the ${essence(contentType)} answer is not valid UTF-8`;
  }
  if (format === 'json') return jsonProblem(text, 'the JSON answer');
  if (format === 'jsonlines') {
    const all = lines(text);
    for (const [i, line] of all.entries()) {
      const problem = jsonProblem(line, `line ${i + 1} of the JSON Lines answer`);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [i, line] of lines(text).entries()) {
    const cell = line.split(',').find((c) => NON_FINITE_CELL.test(c.trim().replace(/^"|"$/g, '')));
    if (cell !== undefined) return `line ${i + 1} of the CSV answer holds ${cell.trim()}`;
  }
  return undefined;
}

function jsonProblem(text: string, what: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const token = /\b(NaN|-?Infinity)\b/.exec(text)?.[0];
    return token
      ? `${what} holds ${token}, which is not JSON`
      : `${what} does not parse as JSON (${(error as Error).message.slice(0, 120)})`;
  }
}

/** The parsed JSON, or undefined when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStructured = (v: unknown) => Array.isArray(v) || isObject(v);
