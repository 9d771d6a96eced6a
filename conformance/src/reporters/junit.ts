import type { SuiteReport } from '../report.ts';

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters; logs may carry them.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * JUnit XML as Jenkins and GitLab read it: one <testsuite> per image, one <testcase> per check,
 * classname = "<name>.<profile>". Should-level failures are reported as passing test cases with
 * the warning in <system-out>, so they do not fail the pipeline, just as they do not fail the CLI.
 */
export function toJUnit(reports: SuiteReport[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = (f: (r: SuiteReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  lines.push(
    `<testsuites name="sagemaker-conformance" tests="${total((r) => r.results.length)}" failures="${total((r) => r.summary.mustFailed)}" skipped="${total((r) => r.summary.skipped)}" time="${(total((r) => r.durationMs) / 1000).toFixed(3)}">`,
  );
  for (const report of reports) {
    lines.push(
      `  <testsuite name="${escape(report.name)}" tests="${report.results.length}" failures="${report.summary.mustFailed}" errors="0" skipped="${report.summary.skipped}" time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${report.startedAt}">`,
      `    <properties><property name="image" value="${escape(report.image)}"/><property name="imageId" value="${escape(report.imageId)}"/><property name="suiteVersion" value="${report.suite.version}"/></properties>`,
    );
    for (const r of report.results) {
      const open = `    <testcase classname="${escape(`${report.name}.${r.profile}`)}" name="${escape(`${r.id} [${r.clauses}]`)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.status === 'pass') {
        lines.push(`${open}/>`);
      } else if (r.status === 'skip') {
        lines.push(`${open}><skipped message="${escape(r.message)}"/></testcase>`);
      } else if (r.level === 'should') {
        lines.push(
          `${open}><system-out>${escape(`WARNING (should): ${r.message}\nhint: ${r.hint ?? ''}`)}</system-out></testcase>`,
        );
      } else {
        lines.push(
          `${open}><failure message="${escape(r.message.split('\n')[0] ?? '')}" type="${r.level}">${escape(`${r.message}\nhint: ${r.hint ?? ''}`)}</failure></testcase>`,
        );
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
