/**
 * Wall time of the conformance suite per template (image already built or built here), with and
 * without the robustness profile side by side, so what the profile costs is measured in one run on
 * the same machine state.
 *
 *   npx tsx tools/bench/suite.ts [templates/node ...] [--seed N]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checks, newSeed, runSuite, type SuiteReport } from '@sagemaker-templates/conformance';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';
import { templateRoots } from './template-roots.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string' } },
});
const seed = values.seed ? Number(values.seed) : newSeed();
const roots = templateRoots(positionals);
const withoutRobustness = checks.filter((c) => c.profile !== 'robustness');

const row = (name: string, variant: string, report: SuiteReport) => {
  const { passed, failed, skipped } = report.summary;
  const slowest = [...report.results]
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 3)
    .map((r) => `${r.id} ${(r.durationMs / 1000).toFixed(1)} s`)
    .join(', ');
  console.log(
    `${name.padEnd(20)} ${variant.padEnd(18)} ${String(report.results.length).padStart(6)} ${String(passed).padStart(5)} ${String(failed).padStart(5)} ${String(skipped).padStart(5)} ${(report.durationMs / 1000).toFixed(1).padStart(8)}   ${slowest}`,
  );
  return report.durationMs;
};

console.log(`seed ${seed}`);
console.log(
  'template             suite              checks  pass  fail  skip   wall s   slowest checks',
);
let total = { all: 0, without: 0 };
for (const root of roots) {
  const { image, name } = await buildTemplate(root, { quiet: true });
  const manifestPath = join(root, 'template.json');
  const without = row(
    name,
    'without robust.*',
    await runSuite({ image, manifestPath, name, checks: withoutRobustness }),
  );
  const all = row(name, 'whole suite', await runSuite({ image, manifestPath, name, seed }));
  total = { all: total.all + all, without: total.without + without };
}
console.log(
  `all templates: ${(total.without / 1000).toFixed(1)} s without the robustness profile, ${(total.all / 1000).toFixed(1)} s with it (+${((total.all - total.without) / 1000).toFixed(1)} s)`,
);
