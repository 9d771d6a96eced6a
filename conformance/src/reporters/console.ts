import type { CheckResult, SuiteReport } from '../report.ts';
import { describePlatformRun } from '../platform-run.ts';

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);

const LABEL: Record<CheckResult['status'], string> = {
  pass: paint(32, 'PASS'),
  fail: paint(31, 'FAIL'),
  skip: paint(90, 'SKIP'),
};

/** One line per check as it finishes: "  FAIL  serve.ping.ok [I5] must  message". */
export function formatResult(result: CheckResult): string {
  const label =
    result.status === 'fail' && result.level === 'should'
      ? paint(33, 'WARN')
      : LABEL[result.status];
  const head = `  ${label}  ${result.id} [${result.clauses}] ${result.level}`;
  const [first, ...rest] = result.message.split('\n');
  const lines = [`${head}  ${first}`, ...rest.map((l) => `        ${l}`)];
  if (result.status === 'fail' && result.hint) lines.push(`        hint: ${result.hint}`);
  return lines.join('\n');
}

/** The summary block printed after all results of one image. */
export function formatSummary(report: SuiteReport): string {
  const { passed, failed, skipped, mustFailed, shouldFailed } = report.summary;
  const verdict = report.ok ? paint(32, 'CONFORMS') : paint(31, 'DOES NOT CONFORM');
  const warnings = shouldFailed > 0 ? `, ${shouldFailed} should-level warning(s)` : '';
  const environment = report.results.filter((r) => r.message.startsWith('environment: ')).length;
  const emulated = report.platform?.emulated
    ? [
        `  under emulation: ${describePlatformRun(report.platform)}${environment > 0 ? `; ${environment} skipped for crashes only the emulator causes (judge them on a native ${report.platform.platform} host)` : ''}`,
      ]
    : [];
  return [
    `${verdict}  ${report.name}  (${report.image}, ${report.imageId.slice(7, 19)})`,
    `  ${report.results.length} checks: ${passed} passed, ${failed} failed (${mustFailed} must), ${skipped} skipped${warnings} in ${(report.durationMs / 1000).toFixed(1)} s`,
    ...emulated,
  ].join('\n');
}

export function formatReport(report: SuiteReport): string {
  return [...report.results.map(formatResult), '', formatSummary(report)].join('\n');
}
