import { dirname, resolve } from 'node:path';
import {
  instanceMemoryBytes,
  declaredInstanceType,
  instanceType,
  loadManifest,
  type InstanceType,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import {
  connectEngine,
  describeEngine,
  engineCanRun,
  engineLine,
  inspectImage,
  sizedHostConfig,
  sweepLeftovers,
  type Engine,
  type ImageDescription,
} from '@sagemaker-templates/engine';
import { BlockedError } from './blocked-error.ts';
import { type Check, type CheckContext, type Outcome, type Phase } from './check.ts';
import { checks as allChecks } from './checks/index.ts';
import { DockerProbes } from './probes/docker-probes.ts';
import { summarize, type CheckResult, type SuiteReport } from './report.ts';
import { SUITE_VERSION } from './version.ts';
import { assertSuiteInputs } from './suite-inputs.ts';
import { newSeed } from './robustness/random.ts';
import {
  DEFAULT_EMULATION_SCALE,
  describePlatformRun,
  manifestForPlatform,
  platformRunOf,
  type PlatformRun,
} from './platform-run.ts';
import { judgeUnderEmulation, recordingProbes } from './emulation-crash.ts';
import { askingProbes, SuiteTrace } from './suite-trace.ts';

/** Garbage requests sent to one serving container when --fuzz-count is not given. */
export const DEFAULT_FUZZ_COUNT = 200;

export interface SuiteOptions {
  image: string;
  manifestPath: string;
  /** Report name; defaults to the image reference. */
  name?: string;
  /** Run only these check ids (and skip the rest as "not selected"). */
  only?: string[];
  /** Seed of the robustness profile's garbage; a new random one (printed) when absent. */
  seed?: number;
  /** Garbage requests per serving container (training cases scale with it); default 200. */
  fuzzCount?: number;
  /** What time budgets are multiplied by when the image's platform is emulated; default 10. */
  emulationScale?: number;
  /** Size every container as this instance type; default template.json's instanceType, else none. */
  instanceType?: string;
  /** serve.longevity's sustained load in seconds; default template.json's budgets.longevitySeconds. */
  longevitySeconds?: number;
  docker?: Engine;
  checks?: readonly Check[];
  onProgress?: (line: string) => void;
  onResult?: (result: CheckResult) => void;
}

export class SuiteError extends Error {
  override name = 'SuiteError';
}

/** Runs every applicable check against one image and returns the report; never throws for a failing check. */
export async function runSuite(options: SuiteOptions): Promise<SuiteReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const checks = options.checks ?? allChecks;
  const trace = new SuiteTrace();
  const { ctx, imageId, probes, instance, engine } = await openSuite(options, checks, trace);
  let results: CheckResult[];
  try {
    results = await runPhases(checks, ctx, { ...options, trace });
  } finally {
    await probes.dispose();
  }
  const summary = summarize(results);
  return {
    suite: { name: 'sagemaker-conformance', version: SUITE_VERSION },
    name: options.name ?? options.image,
    image: options.image,
    imageId,
    manifest: options.manifestPath,
    platform: ctx.platform,
    engine,
    ...(instance ? { instance: instance.type } : {}),
    fuzz: ctx.fuzz,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    results,
    summary,
    ok: summary.mustFailed === 0,
    timings: trace.timings(),
  };
}

/**
 * Everything checks share, once the inputs are known to be right: the manifest as this image's
 * platform is judged, the probes over the engine, the garbage's seed.
 */
async function openSuite(options: SuiteOptions, checks: readonly Check[], trace: SuiteTrace) {
  const manifestPath = resolve(options.manifestPath);
  const declared = await loadManifest(manifestPath);
  assertSuiteInputs(declared, options.manifestPath, dirname(manifestPath), checks);
  const docker = options.docker ?? connectEngine();
  const engine = await describeEngine(docker);
  options.onProgress?.(`engine: ${engineLine(engine)}`);
  const info = await existingImage(docker, options.image);
  assertKnownIds(options.only ?? [], checks);
  const platform = await platformRunOf(
    info,
    options.emulationScale ?? DEFAULT_EMULATION_SCALE,
    (known) => engineCanRun(docker, known),
  );
  options.onProgress?.(`platform: ${describePlatformRun(platform)}`);
  const manifest = withLongevity(manifestForPlatform(declared, platform), options.longevitySeconds);
  const declaredType = declaredInstanceType(declared, platform.platform);
  const instance = sizedInstance(options.instanceType ?? declaredType, platform);
  if (instance) options.onProgress?.(`instance: ${describeInstance(instance)}`);
  else if (declared.instanceType !== undefined)
    options.onProgress?.(
      `instance: none for ${platform.platform} in template.json's instanceType, so its containers are not limited (name one per platform: {"${platform.platform}": "ml...."})`,
    );
  await sweepLeftovers(docker);
  const probes = new DockerProbes(docker, options.image, manifest, dirname(manifestPath), {
    platform,
    trace,
    ...(instance ? { resources: instance.resources } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const fuzz = { seed: options.seed ?? newSeed(), count: options.fuzzCount ?? DEFAULT_FUZZ_COUNT };
  options.onProgress?.(
    `robustness: seed ${fuzz.seed}, ${fuzz.count} garbage requests (replay with --seed ${fuzz.seed})`,
  );
  const manifestDir = dirname(manifestPath);
  const ctx: CheckContext = { image: options.image, manifest, manifestDir, probes, fuzz, platform };
  return { ctx, imageId: info.Id, probes, instance, engine };
}

/** The manifest with --longevity-seconds in place of budgets.longevitySeconds, when given. */
const withLongevity = (
  manifest: TemplateManifest,
  seconds: number | undefined,
): TemplateManifest =>
  seconds === undefined
    ? manifest
    : { ...manifest, budgets: { ...manifest.budgets, longevitySeconds: seconds } };

/** The instance type containers are sized as, checked against the image's platform; or none. */
function sizedInstance(name: string | undefined, platform: PlatformRun) {
  if (name === undefined) return undefined;
  let type: InstanceType;
  try {
    type = instanceType(name, '--instance-type');
  } catch (error) {
    throw new SuiteError((error as Error).message);
  }
  if (type.platform !== platform.platform)
    throw new SuiteError(
      `${type.name} runs ${type.platform} images; this image is ${platform.platform}. Pick an instance type of its platform.`,
    );
  const resources = { name: type.name, vcpus: type.vcpus, memoryBytes: instanceMemoryBytes(type) };
  return { type, resources, notes: sizedHostConfig(resources).notes };
}

const describeInstance = ({ type, notes }: NonNullable<ReturnType<typeof sizedInstance>>) =>
  `${type.name} (${type.vcpus} vCPUs, ${type.memoryGiB} GiB, no swap${notes.length ? `; ${notes.join('; ')}` : ''})`;

async function existingImage(docker: Engine, image: string): Promise<ImageDescription> {
  const info = await inspectImage(docker, image);
  if (!info) {
    throw new SuiteError(
      `Image ${image} does not exist on this Docker engine. Build it first (npx nx run <template>:build) or pass the right --image.`,
    );
  }
  return info;
}

function assertKnownIds(only: string[], checks: readonly Check[]): void {
  const unknown = only.filter((id) => !checks.some((c) => c.id === id));
  if (unknown.length > 0) {
    throw new SuiteError(
      `Unknown check id(s): ${unknown.join(', ')}. Run with --list to see every id.`,
    );
  }
}

/**
 * Runs the checks phase by phase (see Check.phase): observe, fuzz and disturb concurrently within
 * the phase; load and consume one at a time; background checks beside all of them. Results come
 * back in the order of `checks`; with a trace, each check's span (queued at its phase's start).
 */
export async function runPhases(
  checks: readonly Check[],
  ctx: CheckContext,
  options: Pick<SuiteOptions, 'only' | 'onResult'> & { trace?: SuiteTrace } = {},
): Promise<CheckResult[]> {
  const results = new Map<string, CheckResult>();
  const trace = options.trace;
  const run = async (check: Check, queuedMs: number) => {
    const startMs = trace?.at() ?? 0;
    const asked: string[] = [];
    const probes = trace ? askingProbes(ctx.probes, asked) : ctx.probes;
    const result = await runCheck(check, { ...ctx, probes }, ctx.manifest, options.only);
    const phase = check.phase ?? 'observe';
    trace?.check({ id: check.id, phase, queuedMs, startMs, endMs: trace.at(), probes: asked });
    results.set(result.id, result);
    options.onResult?.(result);
  };
  const inPhase = (phase: Phase) => checks.filter((c) => (c.phase ?? 'observe') === phase);
  const runAll = (phase: Phase) => {
    const queuedMs = trace?.at() ?? 0;
    return Promise.all(inPhase(phase).map((check) => run(check, queuedMs)));
  };
  const runEach = async (phase: Phase) => {
    const queuedMs = trace?.at() ?? 0;
    for (const check of inPhase(phase)) await run(check, queuedMs);
  };
  const background = runAll('background');
  await runAll('observe');
  await runEach('load');
  await runAll('fuzz');
  await runAll('disturb');
  await runEach('consume');
  await background;
  return checks.map((c) => results.get(c.id)).filter((r): r is CheckResult => r !== undefined);
}

/** Runs one check, turning "not applicable", "skipped by manifest" and blocked probes into skips. */
export async function runCheck(
  check: Check,
  ctx: CheckContext,
  manifest: TemplateManifest,
  only?: string[],
): Promise<CheckResult> {
  const started = performance.now();
  const outcome = await outcomeOf(check, ctx, manifest, only);
  return {
    id: check.id,
    title: check.title,
    clauses: check.clauses,
    level: check.level,
    profile: check.profile,
    status: outcome.status,
    message: outcome.message,
    ...(outcome.status === 'fail' ? { hint: outcome.hint ?? check.hint } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

async function outcomeOf(
  check: Check,
  ctx: CheckContext,
  manifest: TemplateManifest,
  only?: string[],
): Promise<Outcome> {
  if (only && only.length > 0 && !only.includes(check.id))
    return { status: 'skip', message: 'not selected (--only)' };
  const skipReason = manifest.conformance.skip[check.id];
  if (skipReason) return { status: 'skip', message: `skipped by template.json: ${skipReason}` };
  const notApplicable = check.notApplicable?.(ctx);
  if (notApplicable) return { status: 'skip', message: `not applicable: ${notApplicable}` };
  const { probes, seen } = recordingProbes(ctx.probes);
  return judgeUnderEmulation(await runGuarded(check, { ...ctx, probes }), ctx.platform, seen);
}

/** The check's outcome; a blocked probe is a skip, any other error a failure of the run. */
async function runGuarded(check: Check, ctx: CheckContext): Promise<Outcome> {
  try {
    return await check.run(ctx);
  } catch (error) {
    if (error instanceof BlockedError) return { status: 'skip', message: error.message };
    return {
      status: 'fail',
      message: `the check could not run: ${(error as Error).message}`,
      hint: 'This is an error of the suite or the engine, not necessarily of the image; rerun, and report it if it persists.',
    };
  }
}
