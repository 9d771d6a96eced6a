import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SuiteReport } from './report.ts';
import { toJUnit } from './reporters/junit.ts';

/** Prints one line per image from the JSON reports in a folder and writes all.junit.xml beside them. */
async function main(dir: string): Promise<number> {
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json'));
  if (files.length === 0) {
    console.error(`No conformance reports in ${dir}: no image was checked.`);
    return 1;
  }
  const reports: SuiteReport[] = [];
  for (const file of files.sort())
    reports.push(JSON.parse(await readFile(join(dir, file), 'utf8')) as SuiteReport);
  await writeFile(join(dir, 'all.junit.xml'), toJUnit(reports));
  console.log('\nConformance summary');
  for (const r of reports) {
    const { passed, failed, skipped, mustFailed } = r.summary;
    console.log(
      `  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(24)} ${passed} passed, ${failed} failed (${mustFailed} must), ${skipped} skipped  ${(r.durationMs / 1000).toFixed(1)} s  ${r.image}${r.reusedPass ? `  (passed at ${r.reusedPass.passedAt}; not run again)` : ''}`,
    );
  }
  console.log(`  reports: ${dir}/*.json, ${dir}/all.junit.xml`);
  return reports.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main(process.argv[2] ?? 'reports/conformance');
