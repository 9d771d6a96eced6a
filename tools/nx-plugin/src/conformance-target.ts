import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Platform } from '@sagemaker-templates/contract';
import { buildTemplatePlatforms, type BuiltTemplate } from './build-template.ts';
import { checkTemplate, reportName } from './check-template.ts';
import { ConformanceCache, suiteKey, type ConformancePass } from './conformance-cache.ts';
import { passMaxAgeMs } from './registry-passes.ts';
import { registryPassFor, type RegistryPass } from './registry-pass-lookup.ts';

/** Options of the conformance target (src/executors/conformance/schema.json). */
export interface ConformanceOptions {
  force?: boolean;
  only?: string;
  seed?: number;
  'fuzz-count'?: number;
  'report-dir': string;
  /** Check only this one of template.json's platforms (default: every one). */
  platform?: Platform;
  'emulation-scale'?: number;
  'instance-type'?: string;
  'longevity-seconds'?: number;
  'pass-max-age'?: string;
  'registry-records'?: boolean;
  timings?: boolean;
}

/** The conformance CLI's arguments for these options (the CLI checks the values again). */
export function suiteArgs(options: ConformanceOptions): string[] {
  return [
    ...(options.only !== undefined ? ['--only', options.only] : []),
    ...(options.seed !== undefined ? ['--seed', String(options.seed)] : []),
    ...(options['fuzz-count'] !== undefined ? ['--fuzz-count', String(options['fuzz-count'])] : []),
    ...(options['emulation-scale'] !== undefined
      ? ['--emulation-scale', String(options['emulation-scale'])]
      : []),
    ...(options['instance-type'] !== undefined
      ? ['--instance-type', options['instance-type']]
      : []),
    ...(options.timings ? ['--timings'] : []),
    '--report-dir',
    options['report-dir'],
  ];
}

/**
 * `nx run <template>:conformance`: builds every platform of template.json (or --platform's), then
 * runs the suite on each image (an emulated one with its time budgets scaled) unless that image
 * already passed this suite (the results cache that push uses too); `--force` or
 * SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE=true runs it regardless, and so does a partial run
 * (`--only`) or a chosen seed or amount of garbage, which is a run the user asked for.
 */
export async function runConformance(
  root: string,
  options: ConformanceOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const platform = options.platform ? { platform: options.platform } : {};
  const builds = await buildTemplatePlatforms(root, { quiet: true, ...platform });
  const maxAgeMs = passMaxAgeMs(options['pass-max-age'], env);
  const key = await suiteKey(root);
  // Asked once, and only when a build has no pass here: the registry costs a network round trip.
  let registry: Promise<RegistryPass | undefined> | undefined;
  const fromRegistry = () =>
    (registry ??= registryPassFor(root, builds, { options, env, key, maxAgeMs }));
  const sources = { key, maxAgeMs, fromRegistry };
  let code = 0;
  for (const built of builds)
    code = Math.max(code, await checkBuilt(root, built, options, env, sources));
  return code;
}

interface PassSources {
  key: string;
  maxAgeMs: number;
  fromRegistry: () => Promise<RegistryPass | undefined>;
}

/** The suite on one platform's image, or the report of its earlier pass. */
async function checkBuilt(
  root: string,
  built: BuiltTemplate,
  options: ConformanceOptions,
  env: NodeJS.ProcessEnv,
  sources: PassSources,
): Promise<number> {
  const force = options.force === true || env.SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE === 'true';
  const partial = options.only !== undefined;
  // A chosen seed, amount of garbage, instance size or a timeline is a run the user asked for.
  const askedForRun =
    options.seed !== undefined ||
    options['fuzz-count'] !== undefined ||
    options['instance-type'] !== undefined ||
    options['longevity-seconds'] !== undefined ||
    options.timings === true;
  const name = reportName(basename(root), built.platform);
  const report = join(options['report-dir'], `${name}.json`);
  const cache = new ConformanceCache();
  const { key } = sources;
  const wanted = !(force || partial || askedForRun);
  const earlier = wanted ? await earlierPass(built, cache, sources) : undefined;
  if (earlier) {
    await restoreReport(earlier.pass, report, earlier.from);
    console.log(
      `CONFORMS  ${name}  (${built.image}, ${built.imageId.replace('sha256:', '').slice(0, 12)}): ${earlier.how}; not run again.\n` +
        `  To run it anyway: npx nx run ${basename(root)}:conformance --force (or SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE=true)`,
    );
    return 0;
  }
  const code = await checkTemplate(root, built.image, suiteArgs(options), name);
  // Only a full run counts as a pass that later runs and push may rely on.
  if (code === 0 && !partial) {
    const json = await readFile(report, 'utf8').then(JSON.parse, () => undefined);
    const platform = built.platform;
    await cache.record({ name, imageId: built.imageId, suiteKey: key, platform, report: json });
  }
  return code;
}

/** A pass this image may rely on: made here, else recorded in the registry; with how to say so. */
async function earlierPass(
  built: BuiltTemplate,
  cache: ConformanceCache,
  sources: PassSources,
): Promise<{ pass: ConformancePass; how: string; from?: string } | undefined> {
  const local = await cache.find(built.imageId, sources.key, sources.maxAgeMs);
  if (local) return { pass: local, how: `this image passed this suite at ${local.passedAt}` };
  const registry = await sources.fromRegistry();
  const report = registry?.reports.find((r) => r.platform === built.platform)?.report;
  if (!registry || !report) return undefined;
  const pass = {
    name: built.name,
    imageId: built.imageId,
    suiteKey: sources.key,
    passedAt: registry.passedAt,
    report,
  };
  return {
    pass,
    how: `the registry's image under this content tag ${registry.line}`,
    from: registry.record,
  };
}

/**
 * A run that relies on an earlier pass still leaves that pass's report (marked as reused, with the
 * registry record it came from), so the reports folder always holds every checked template and a
 * summary over it can be trusted.
 */
async function restoreReport(pass: ConformancePass, path: string, record?: string): Promise<void> {
  if (!pass.report) return;
  await mkdir(dirname(path), { recursive: true });
  const reusedPass = { passedAt: pass.passedAt, ...(record ? { record } : {}) };
  const report = { ...(pass.report as object), reusedPass };
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
