import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { csvLines, numberProblem, parseNumber } from '../csv.ts';
import { decodeUtf8, InvalidUtf8 } from '../decode-utf8.ts';
import { UserError } from '../user-error.ts';
import { isHeader } from './header.ts';

/** Labelled rows of one channel: the label is the first CSV column, features are the rest. */
export interface LabelledData {
  labels: string[];
  features: number[][];
  featureNames?: string[];
  files: string[];
  /** Where each row came from, for error messages: "validation/part-1.csv line 7". */
  origin: (row: number) => string;
}

const FORMAT =
  'Each line must be a label followed by numeric features, comma-separated, with an optional header line.';

/**
 * Parses one labelled CSV file. `source` names the file in error messages, which give the 1-based
 * physical line (a header is line 1). The file must hold at least one data row.
 */
export function parseLabelledCsv(
  text: string,
  source: string,
): { labels: string[]; features: number[][]; lines: number[]; header?: string[] } {
  const all = csvLines(text);
  if (all.length === 0)
    throw new UserError(`${source} is empty. Remove it from the channel or fill it. ${FORMAT}`);
  const header = isHeader(all[0]!.cells) ? all[0]!.cells : undefined;
  const rows = header ? all.slice(1) : all;
  if (rows.length === 0) {
    throw new UserError(
      `${source} holds only a header (line ${all[0]!.line}) and no data rows. Remove it from the channel or add rows. ${FORMAT}`,
    );
  }
  const width = header?.length ?? rows[0]!.cells.length;
  if (width < 2) {
    throw new UserError(
      `${source} line ${rows[0]!.line} has ${width} column(s): each row needs a label in the first column and at least one feature after it. Check the file's delimiter (a comma).`,
    );
  }
  const labels: string[] = [];
  const features: number[][] = [];
  const lines: number[] = [];
  // Explains a bad cell on a first line that was not taken for a header.
  const firstLineHint = header
    ? ''
    : ` (line ${rows[0]!.line} is data, not a header, because some of its feature cells look like numbers)`;
  for (const { line, cells } of rows) {
    labels.push(labelOf(cells, width, source, line, header !== undefined));
    features.push(featuresOf(cells, source, line, line === rows[0]!.line ? firstLineHint : ''));
    lines.push(line);
  }
  return header ? { labels, features, lines, header } : { labels, features, lines };
}

function labelOf(
  cells: string[],
  width: number,
  source: string,
  line: number,
  hasHeader: boolean,
): string {
  if (cells.length !== width) {
    throw new UserError(
      `${source} line ${line} has ${cells.length} columns, expected ${width} like ${hasHeader ? 'the header' : 'the first row'}. Make every row a label followed by ${width - 1} features.`,
    );
  }
  if (cells[0] === '')
    throw new UserError(
      `${source} line ${line} has an empty label (first column). Give every row a class label.`,
    );
  return cells[0]!;
}

function featuresOf(cells: string[], source: string, line: number, hint: string): number[] {
  const row = new Array<number>(cells.length - 1);
  for (let j = 1; j < cells.length; j++) {
    const value = parseNumber(cells[j]!);
    if (value === undefined) {
      throw new UserError(
        `${source} line ${line} column ${j + 1}: ${numberProblem(cells[j]!)}${hint}. Features must be finite numbers within float32 range; fix or drop the row before training.`,
      );
    }
    row[j - 1] = value;
  }
  return row;
}

/** Every *.csv file under a channel folder (sub-folders included, as S3 prefixes make them), sorted. */
export async function listCsvFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A channel file's text; bytes that are not UTF-8 fail naming the line (never U+FFFD labels). */
async function readCsvText(file: string, source: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(
      `${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Make the channel's files readable.`,
    );
  }
  try {
    return decodeUtf8(bytes);
  } catch (error) {
    if (!(error instanceof InvalidUtf8)) throw error;
    throw new UserError(
      `${source} line ${error.line} is not valid UTF-8. Save the file as UTF-8 (labels and features), or remove the damaged line.`,
    );
  }
}

/** Reads a channel folder (never writes into it: channels may be read-only). */
export async function readChannel(dir: string, channel: string): Promise<LabelledData> {
  const files = await channelFiles(dir, channel);
  const labels: string[] = [];
  const features: number[][] = [];
  const origins: { source: string; lines: number[]; firstRow: number }[] = [];
  let featureNames: string[] | undefined;
  for (const file of files) {
    const source = `${channel}/${relative(dir, file)}`;
    const parsed = parseLabelledCsv(await readCsvText(file, source), source);
    const width = features[0]?.length;
    const fileWidth = parsed.features[0]!.length;
    if (width !== undefined && fileWidth !== width) {
      throw new UserError(
        `${source} has ${fileWidth} features per row, but ${origins[0]!.source} has ${width}. Give every file of a channel the same columns.`,
      );
    }
    origins.push({ source, lines: parsed.lines, firstRow: labels.length });
    // Loops, not push(...rows): spreading a large array overflows the stack.
    for (const label of parsed.labels) labels.push(label);
    for (const row of parsed.features) features.push(row);
    if (parsed.header && !featureNames) featureNames = parsed.header.slice(1);
  }
  const origin = (row: number) => {
    const at = origins.findLast((o) => o.firstRow <= row)!;
    return `${at.source} line ${at.lines[row - at.firstRow]}`;
  };
  return { labels, features, files, origin, ...(featureNames ? { featureNames } : {}) };
}

async function channelFiles(dir: string, channel: string): Promise<string[]> {
  let files: string[];
  try {
    files = await listCsvFiles(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        `Channel "${channel}" is declared but its folder ${dir} does not exist. Check the channel's S3 URI and input mode (File or FastFile).`,
      );
    }
    throw new UserError(
      `Channel "${channel}" cannot be read at ${dir} (${(error as Error).message}).`,
    );
  }
  if (files.length === 0) {
    throw new UserError(
      `Channel "${channel}" has no .csv files in ${dir}. Put CSV files (label first, then numeric features) under the channel's S3 prefix.`,
    );
  }
  return files;
}
