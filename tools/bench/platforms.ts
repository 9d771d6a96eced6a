/**
 * A template built and checked for linux/amd64 and linux/arm64 side by side, in one run: each
 * platform's build without the layer cache (as on a fresh runner) and its conformance suite, on
 * this host natively or under emulation, on a throwaway copy whose template.json lists both.
 *
 *   npx tsx tools/bench/platforms.ts [templates/node] [--seed N]
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { newSeed, runSuite, type SuiteReport } from '@sagemaker-templates/conformance';
import { PLATFORMS } from '@sagemaker-templates/contract';
import { connectEngine, imageReferences, removeImage } from '@sagemaker-templates/engine';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string' } },
});
const source = resolve(positionals[0] ?? 'templates/node');
const seed = values.seed ? Number(values.seed) : newSeed();
const name = `${basename(source)}-platforms-bench`;
const copy = join(tmpdir(), `platforms-bench-${process.pid}`, name);
const docker = connectEngine();

/** The copy, listing every platform SageMaker runs (the schema reference made absolute). */
async function makeCopy(): Promise<void> {
  await cp(source, copy, { recursive: true, filter: (src) => !src.includes('node_modules') });
  const manifest = JSON.parse(await readFile(join(copy, 'template.json'), 'utf8'));
  if (typeof manifest.$schema === 'string') manifest.$schema = resolve(source, manifest.$schema);
  manifest.platforms = [...PLATFORMS];
  await writeFile(join(copy, 'template.json'), JSON.stringify(manifest, null, 2));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
const counts = ({ summary }: SuiteReport) =>
  `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;

await makeCopy();
console.log(`${source} for ${PLATFORMS.join(' and ')}; seed ${seed}`);
console.log('platform      how                               build      suite   checks');
try {
  for (const platform of PLATFORMS) {
    const startedBuild = performance.now();
    const built = await buildTemplate(copy, { quiet: true, platform, noCache: true });
    const buildMs = performance.now() - startedBuild;
    const manifestPath = join(copy, 'template.json');
    const report = await runSuite({ image: built.image, manifestPath, seed });
    const how = report.platform?.emulated
      ? `emulated (budgets x${report.platform.timeScale})`
      : 'native';
    console.log(
      `${platform.padEnd(13)} ${how.padEnd(30)} ${seconds(buildMs)} ${seconds(report.durationMs)}   ${counts(report)}`,
    );
  }
} finally {
  for (const reference of await imageReferences(docker, [`sagemaker-templates/${name}`]))
    await removeImage(docker, reference).catch(() => undefined);
  await rm(join(copy, '..'), { recursive: true, force: true });
}
