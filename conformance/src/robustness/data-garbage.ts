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

/** The cases of one channel: line damage in its first CSV file, plus whole-file cases. */
export async function dataCases(
  channel: string,
  source: string,
  random: Random,
): Promise<DataCase[]> {
  const { root, files } = await channelFiles(source);
  const csv = files.find((f) => f.toLowerCase().endsWith('.csv')) ?? files[0];
  if (!csv) return [];
  const original = await readFile(join(root, csv), 'utf8');
  const lines = original.split('\n');
  const isData = (i: number) => numericCells(lines[i] ?? '').length > 0;
  const hasHeader = lines.length > 1 && !isData(0) && isData(1);
  const dataLines = lines.flatMap((_, i) => (isData(i) ? [i] : []));
  const alone = (content: string) => async (into: string) => {
    await mkdir(dirname(join(into, csv)), { recursive: true });
    await writeFile(join(into, csv), content);
  };
  const cases: DataCase[] = [
    {
      kind: 'empty-file',
      channel,
      file: csv,
      what: `${channel}/${csv} empty (its only file)`,
      write: alone(''),
    },
  ];
  if (hasHeader)
    cases.push({
      kind: 'header-only',
      channel,
      file: csv,
      what: `${channel}/${csv} holding only its header`,
      write: alone(`${lines[0]}\n`),
    });
  if (dataLines.length === 0) return cases;
  const changed = (kind: string, at: number, line: string, what: string, content = lines) => {
    const next = content.map((l, i) => (i === at ? line : l));
    const write = writer(root, files, csv, toWire(next.join('\n')));
    return {
      kind,
      channel,
      file: csv,
      line: at + 1,
      what: `${channel}/${csv} line ${at + 1}: ${what}`,
      write,
    };
  };
  const cell = (line: string, token: (old: string) => string) => {
    const cells = line.split(',');
    const at = random.pick(numericCells(line));
    return cells.map((c, i) => (i === at ? token(c) : c)).join(',');
  };
  const line = random.pick(dataLines);
  const nonFinite = random.pick(['nan', 'NaN', 'inf', '-inf', 'Infinity']);
  const overflow = random.pick(['1e39', '-3.5e38']);
  cases.push(
    changed(
      'non-finite',
      line,
      cell(lines[line]!, () => nonFinite),
      `${nonFinite} in place of a number`,
    ),
    changed(
      'float32-overflow',
      line,
      cell(lines[line]!, () => overflow),
      `${overflow}, beyond float32`,
    ),
    changed('non-utf8', line, withBadBytes(lines[line]!, random), 'bytes that are not UTF-8'),
  );
  if (lines[line]!.split(',').length > 1)
    cases.push(
      changed(
        'column-count',
        line,
        lines[line]!.split(',').slice(0, -1).join(','),
        'one column fewer',
      ),
    );
  // Without a header, a damaged first row must not pass for one.
  const headerless = hasHeader ? lines.slice(1) : lines;
  const first = headerless.findIndex((l) => numericCells(l).length > 0);
  if (first >= 0)
    cases.push(
      changed(
        'damaged-first-row',
        first,
        cell(headerless[first]!, () => 'nan'),
        'nan in the first row, no header',
        headerless,
      ),
    );
  return cases;
}

/** The line with bytes that are not UTF-8 appended to one of its cells (a label, often). */
function withBadBytes(line: string, random: Random): string {
  const cells = line.split(',');
  const at = random.int(0, cells.length - 1);
  return cells.map((c, i) => (i === at ? `${c}${BAD_BYTE}` : c)).join(',');
}
