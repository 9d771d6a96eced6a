import { numberProblem, parseNumber, splitCsvLine } from '../csv.ts';
import { badRequest } from './http-error.ts';

/**
 * Rows of features from a text/csv body. Every line is a record, the first one too: batch
 * transform joins outputs to inputs by position, so N lines in must give N predictions out, and a
 * damaged first line is an error, not a header to skip. Blank lines after the last record (a
 * trailing newline) are ignored; a blank line between records is an error, since dropping it would
 * shift every later prediction against its input.
 */
export function csvRows(text: string, featureCount: number): number[][] {
  const records = new CsvRecords(featureCount);
  const rows: number[][] = [];
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const row = records.read(text.slice(start, end));
    if (row) rows.push(row);
    start = end + 1;
  }
  return rows;
}

/** csvRows one line at a time, for a body that arrives in pieces: the same rows, numbers and errors. */
export class CsvRecords {
  /** The number of the last line read (1-based). */
  line = 0;
  private firstBlank = 0;

  constructor(private readonly featureCount: number) {}

  /** The row of one line (without its LF), or undefined for a blank one; a 400 for a bad one. */
  read(raw: string): number[] | undefined {
    const line = ++this.line;
    if (line === 1 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    if (raw.trim() === '') {
      this.firstBlank ||= line;
      return undefined;
    }
    if (this.firstBlank) {
      throw badRequest(
        `Row ${this.firstBlank} is empty. Every line is a record (no header, no blank lines between rows): send ${this.featureCount} comma-separated features on each line.`,
      );
    }
    return csvRow(raw, line, this.featureCount);
  }
}

function csvRow(raw: string, row: number, featureCount: number): number[] {
  // Plain split for the usual line without quotes; cells are trimmed only when they need it.
  const cells = raw.includes('"') ? splitCsvLine(raw) : raw.split(',');
  if (cells.length !== featureCount) throw wrongCount(row, cells.length, featureCount);
  const values = new Array<number>(featureCount);
  for (let j = 0; j < featureCount; j++) {
    let cell = cells[j]!;
    let value = parseNumber(cell);
    if (value === undefined) value = parseNumber((cell = cell.trim()));
    if (value === undefined) {
      throw badRequest(
        `Row ${row}, column ${j + 1}: ${numberProblem(cell)}. Send numeric features only; every line is a record, so a header line is refused too.`,
      );
    }
    values[j] = value;
  }
  return values;
}

export function wrongCount(row: number, count: number, featureCount: number) {
  return badRequest(
    `Row ${row} has ${count} values, expected ${featureCount} features (the model was trained on ${featureCount}). Send features only, without the label column.`,
  );
}
