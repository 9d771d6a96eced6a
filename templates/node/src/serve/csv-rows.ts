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
  const rows: number[][] = [];
  let firstBlank = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let line = 1; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') {
      firstBlank ||= line;
      continue;
    }
    if (firstBlank) {
      throw badRequest(
        `Row ${firstBlank} is empty. Every line is a record (no header, no blank lines between rows): send ${featureCount} comma-separated features on each line.`,
      );
    }
    rows.push(csvRow(raw, line, featureCount));
  }
  return rows;
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
