import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Random } from './random.ts';
import { BAD_BYTE, toWire } from './wire.ts';

/**
 * Training data an image cannot use (R6), made from the template's own sample channels: one file
 * of one channel changed. Kinds are stable ids: `conformance.robustness.accept` refers to them as
 * `data.<kind>`.
 */
export interface DataCase {
  kind: string;
  channel: string;
  /** The changed file, relative to the channel folder. */
  file: string;
  /** 1-based line the failure must name; undefined when the file as a whole is wrong. */
  line?: number;
  what: string;
  /** The changed channel: every file of the original, this one changed (or alone). */
  write(into: string): Promise<void>;
}

export const DATA_KINDS = [
  'non-finite',
  'float32-overflow',
  'non-utf8',
  'column-count',
  'damaged-first-row',
  'empty-file',
  'header-only',
] as const;

const STRICT_NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const numericCells = (line: string) =>
  line.split(',').flatMap((cell, i) => (STRICT_NUMBER.test(cell) ? [i] : []));

/** Files of a channel source (a file or a folder, sub-folders included), relative to the channel. */
async function channelFiles(source: string): Promise<{ root: string; files: string[] }> {
  if (!(await stat(source)).isDirectory())
    return { root: dirname(source), files: [basename(source)] };
  const entries = await readdir(source, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => relative(source, join(e.parentPath, e.name)))
    .sort();
  return { root: source, files };
}

function writer(root: string, files: string[], target: string, content: Buffer) {
  return async (into: string) => {
    for (const file of files) {
      const path = join(into, file);
      await mkdir(dirname(path), { recursive: true });
      if (file === target) await writeFile(path, content);
      else await copyFile(join(root, file), path);
    }
  };
}

/** The first CSV file of a channel (else its first file), as lines, with the channel's files. */
interface SampleFile {
  channel: string;
  root: string;
  files: string[];
  csv: string;
  lines: string[];
}

/** The cases of one channel: line damage in its first CSV file, plus whole-file cases. */
export async function dataCases(
  channel: string,
  source: string,
  random: Random,
): Promise<DataCase[]> {
  const { root, files } = await channelFiles(source);
  const csv = files.find((f) => f.toLowerCase().endsWith('.csv')) ?? files[0];
  if (!csv) return [];
  const lines = (await readFile(join(root, csv), 'utf8')).split('\n');
  const sample = { channel, root, files, csv, lines };
  return [...wholeFileCases(sample), ...lineCases(sample, random)];
}

const isData = (line: string | undefined) => numericCells(line ?? '').length > 0;
const hasHeader = (lines: string[]) => lines.length > 1 && !isData(lines[0]) && isData(lines[1]);

/** The file empty, or holding only its header: the channel has no rows to train on. */
function wholeFileCases({ channel, csv, lines }: SampleFile): DataCase[] {
  const alone = (content: string) => async (into: string) => {
    await mkdir(dirname(join(into, csv)), { recursive: true });
    await writeFile(join(into, csv), content);
  };
  const whole = (kind: string, what: string, content: string): DataCase => ({
    kind,
    channel,
    file: csv,
    what: `${channel}/${csv} ${what}`,
    write: alone(content),
  });
  return [
    whole('empty-file', 'empty (its only file)', ''),
    ...(hasHeader(lines) ? [whole('header-only', 'holding only its header', `${lines[0]}\n`)] : []),
  ];
}

/** One data line damaged, a kind at a time; `random` is drawn in a fixed order, so a seed replays. */
function lineCases(sample: SampleFile, random: Random): DataCase[] {
  const { lines } = sample;
  const dataLines = lines.flatMap((l, i) => (isData(l) ? [i] : []));
  if (dataLines.length === 0) return [];
  const cell = (line: string, token: string) => {
    const at = random.pick(numericCells(line));
    return line
      .split(',')
      .map((c, i) => (i === at ? token : c))
      .join(',');
  };
  const at = random.pick(dataLines);
  const line = lines[at]!;
  const nonFinite = random.pick(['nan', 'NaN', 'inf', '-inf', 'Infinity']);
  const overflow = random.pick(['1e39', '-3.5e38']);
  const cases = [
    changed(sample, 'non-finite', at, cell(line, nonFinite), `${nonFinite} in place of a number`),
    changed(sample, 'float32-overflow', at, cell(line, overflow), `${overflow}, beyond float32`),
    changed(sample, 'non-utf8', at, withBadBytes(line, random), 'bytes that are not UTF-8'),
  ];
  if (line.split(',').length > 1)
    cases.push(
      changed(
        sample,
        'column-count',
        at,
        line.split(',').slice(0, -1).join(','),
        'one column fewer',
      ),
    );
  // Without a header, a damaged first row must not pass for one.
  const headerless = hasHeader(lines) ? lines.slice(1) : lines;
  const first = headerless.findIndex((l) => isData(l));
  if (first >= 0) {
    const damaged = cell(headerless[first]!, 'nan');
    const what = 'nan in the first row, no header';
    cases.push(
      changed({ ...sample, lines: headerless }, 'damaged-first-row', first, damaged, what),
    );
  }
  return cases;
}

/** The channel with line `at` (0-based) of its sample file replaced by `line`. */
function changed(
  { channel, root, files, csv, lines }: SampleFile,
  kind: string,
  at: number,
  line: string,
  what: string,
): DataCase {
  const content = toWire(lines.map((l, i) => (i === at ? line : l)).join('\n'));
  return {
    kind,
    channel,
    file: csv,
    line: at + 1,
    what: `${channel}/${csv} line ${at + 1}: ${what}`,
    write: writer(root, files, csv, content),
  };
}

/** The line with bytes that are not UTF-8 appended to one of its cells (a label, often). */
function withBadBytes(line: string, random: Random): string {
  const cells = line.split(',');
  const at = random.int(0, cells.length - 1);
  return cells.map((c, i) => (i === at ? `${c}${BAD_BYTE}` : c)).join(',');
}
