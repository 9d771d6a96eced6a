/**
 * Wall time of the conformance suite per template (image already built or built here), and how
 * much of it each phase of container work takes.
 *
 *   npx tsx tools/bench/suite.ts [templates/node ...]
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runSuite } from '@sagemaker-templates/conformance';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';

const roots = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync('templates')
      .map((name) => join('templates', name))
      .filter((root) => existsSync(join(root, 'template.json')));

console.log('template                  checks  pass  fail  skip   wall s   slowest checks');
for (const root of roots) {
  const { image, name } = await buildTemplate(root, { quiet: true });
  const report = await runSuite({ image, manifestPath: join(root, 'template.json'), name });
  const { passed, failed, skipped } = report.summary;
  const slowest = [...report.results]
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 3)
    .map((r) => `${r.id} ${(r.durationMs / 1000).toFixed(1)} s`)
    .join(', ');
  console.log(
    `${name.padEnd(25)} ${String(report.results.length).padStart(6)} ${String(passed).padStart(5)} ${String(failed).padStart(5)} ${String(skipped).padStart(5)} ${(report.durationMs / 1000).toFixed(1).padStart(8)}   ${slowest}`,
  );
}
