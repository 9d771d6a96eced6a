import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { csvLines, parseNumber } from '../csv.ts';
import { UserError } from '../user-error.ts';

/** Labelled rows of one channel: the label is the first CSV column, features are the rest. */
export interface LabelledData {
  labels: string[];
  features: number[][];
  featureNames?: string[];
  files: string[];
}

/**
 * Parses one labelled CSV file. A first line whose feature cells are not all numbers is a header.
 * `source` names the file in error messages.
 */
export function parseLabelledCsv(
  text: string,
  source: string,
): { labels: string[]; features: number[][]; header?: string[] } {
  const lines = csvLines(text);
  const first = lines[0];
  const header =
    first && first.cells.slice(1).some((cell) => parseNumber(cell) === undefined)
      ? first.cells
      : undefined;
  const rows = header ? lines.slice(1) : lines;
  const width = header?.length ?? rows[0]?.cells.length ?? 0;
  if (rows.length > 0 && width < 2) {
    throw new UserError(
      `${source} line ${rows[0]!.line} has ${width} column(s): each row needs a label in the first column and at least one feature after it. Check the file's delimiter (a comma).`,
    );
  }
  const labels: string[] = [];
  const features: number[][] = [];
  for (const { line, cells } of rows) {
    if (cells.length !== width) {
      throw new UserError(
        `${source} line ${line} has ${cells.length} columns, expected ${width} like ${header ? 'the header' : 'the first row'}. Make every row a label followed by ${width - 1} features.`,
      );
    }
    const label = cells[0]!;
    if (label === '')
      throw new UserError(
        `${source} line ${line} has an empty label (first column). Give every row a class label.`,
      );
    const row = cells.slice(1).map((cell, j) => {
      const value = parseNumber(cell);
      if (value === undefined) {
        throw new UserError(
          `${source} line ${line} column ${j + 2}: ${JSON.stringify(cell)} is not a number. Features must be numeric; fill in or drop missing values before training.`,
        );
      }
      return value;
    });
    labels.push(label);
    features.push(row);
  }
  return header ? { labels, features, header } : { labels, features };
}

/** Every *.csv file under a channel folder (sub-folders included, as S3 prefixes make them), sorted. */
export async function listCsvFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Reads a channel folder (never writes into it: channels may be read-only). */
export async function readChannel(dir: string, channel: string): Promise<LabelledData> {
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
  const data: LabelledData = { labels: [], features: [], files: [] };
  for (const file of files) {
    const source = `${channel}/${relative(dir, file)}`;
    const parsed = parseLabelledCsv(await readFile(file, 'utf8'), source);
    const width = data.features[0]?.length;
    const fileWidth = parsed.features[0]?.length;
    if (width !== undefined && fileWidth !== undefined && fileWidth !== width) {
      throw new UserError(
        `${source} has ${fileWidth} features per row, but ${channel}/${relative(dir, data.files[0]!)} has ${width}. Give every file of a channel the same columns.`,
      );
    }
    data.labels.push(...parsed.labels);
    data.features.push(...parsed.features);
    data.files.push(file);
    if (parsed.header && !data.featureNames) data.featureNames = parsed.header.slice(1);
  }
  if (data.labels.length === 0) {
    throw new UserError(
      `Channel "${channel}" has CSV files but no data rows in ${dir}. Check that the files are not empty.`,
    );
  }
  return data;
}
