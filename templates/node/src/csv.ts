import { excerpt } from './excerpt.ts';

/**
 * The largest finite float32. Models commonly compute in float32, so the project treats a value
 * beyond it as damaged data even where this model computes in float64 (CONTRACT.md R3, R6).
 */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Plain ASCII decimal or exponent notation: no hex, `_`, other scripts' digits, NaN or Infinity. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * Splits one CSV line into trimmed cells. Double-quoted cells may contain commas and "" escapes;
 * records never span lines (this algorithm's data is one row per line).
 */
export function splitCsvLine(line: string): string[] {
  // Fast path for the common line without quotes (the serving hot path).
  if (!line.includes('"')) return line.split(',').map((cell) => cell.trim());
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** The non-blank lines of a CSV text with their 1-based line numbers (CRLF or LF, BOM stripped). */
export function csvLines(text: string): { line: number; cells: string[] }[] {
  const lines: { line: number; cells: string[] }[] = [];
  let line = 0;
  for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
    line++;
    if (raw.trim() !== '') lines.push({ line, cells: splitCsvLine(raw) });
  }
  return lines;
}

/** The value of a strict ASCII decimal cell within float32 range ("1", "-0.5", "2e-3"), else undefined. */
export function parseNumber(cell: string): number | undefined {
  if (!DECIMAL.test(cell)) return undefined;
  const value = Number(cell);
  return value >= -FLOAT32_MAX && value <= FLOAT32_MAX ? value : undefined;
}

/** Why parseNumber refused a cell, as a clause: `"1e39" is beyond float32 range (...)`. */
export function numberProblem(cell: string): string {
  if (cell === '') return 'the cell is empty';
  if (DECIMAL.test(cell)) return `${excerpt(cell)} is beyond float32 range (|x| <= 3.4028235e38)`;
  return `${excerpt(cell)} is not a number (plain decimal digits like 5.1 or -2e-3; not NaN, inf, hex or other scripts' digits)`;
}

/** Quotes a cell only when it needs it. */
export function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
