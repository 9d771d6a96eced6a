import type { Check } from './check.ts';

/** Plain-text list for --list. */
export function catalogueText(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  return checks
    .map((c) => `${c.id.padEnd(width)}  ${c.level.padEnd(6)}  ${c.clauses.padEnd(12)}  ${c.title}`)
    .join('\n');
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Markdown table for the README, generated from the checks themselves. */
export function catalogueMarkdown(checks: readonly Check[]): string {
  const rows = checks.map(
    (c) =>
      `| \`${c.id}\` | ${c.profile} | ${c.level} | ${c.clauses} | ${cell(c.title)} | ${cell(c.hint)} |`,
  );
  return [
    '| id | profile | level | clause | what it checks | what to do when it fails |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
