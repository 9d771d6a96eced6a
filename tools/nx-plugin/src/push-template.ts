import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadManifest, ManifestError, type TemplateManifest } from '@sagemaker-templates/contract';
import { connectEngine, fieldsHash, inspectImage, type Engine } from '@sagemaker-templates/engine';
import {
  checkImagePlatform,
  connectEcr,
  openPassRecordStore,
  publishImage,
  PushError,
  redactEnvironmentSecrets,
  redactor,
  type PassRecordStore,
  type PlatformImage,
  type PublishResult,
} from '@sagemaker-templates/registry';
import {
  buildTemplatePlatforms,
  declaredPlatforms,
  planTemplateImage,
  TemplateBuildError,
  type BuiltTemplate,
  type PlannedImage,
} from './build-template.ts';
import { checkTemplate, reportName } from './check-template.ts';
import { ConformanceCache, suiteKey, type ConformancePass } from './conformance-cache.ts';
import { resolvePushPlan, type PushOptions, type PushPlan } from './push-plan.ts';
import { lookupTemplatePass, recordTemplatePass, registryPassLine } from './registry-passes.ts';

export interface PushTemplateOptions {
  /** The push target's options (src/executors/push/schema.json). */
  options?: PushOptions;
  env?: NodeJS.ProcessEnv;
  cache?: ConformanceCache;
  /** Receives every output line, already redacted; default console.log. */
  log?: (line: string) => void;
}

export interface PushTemplateResult extends PublishResult {
  name: string;
  /** The local content-hash tag. */
  image: string;
  /**
   * `ran`: the suite ran now and passed; `cached`: it had passed for this image and suite on this
   * machine; `registry`: the registry holds a current pass record of the image under its content
   * tag, so nothing was built or checked here.
   */
  conformance: 'ran' | 'cached' | 'registry';
}

/**
 * `nx run <template>:push`: settles region and credentials first (so a missing one fails in a
 * second, not after a build), builds every platform's image if its inputs changed, runs the
 * conformance suite on each unless it already passed for that image and suite, then publishes
 * them to ECR (several platforms: under one image index).
 */
export async function pushTemplate(
  root: string,
  options: PushTemplateOptions = {},
): Promise<PushTemplateResult> {
  const env = options.env ?? process.env;
  const name = basename(resolve(root));
  const print = options.log ?? ((line: string) => console.log(line));
  const log = (line: string) => print(redactor.redact(`[${name}:push] ${line}`));
  redactEnvironmentSecrets(redactor, env);
  const { manifest, plan } = await planPush(root, name, options.options ?? {}, env);
  const ecr = await connectEcr({
    ...(plan.region ? { region: plan.region } : {}),
    ...(plan.regionSource ? { regionSource: plan.regionSource } : {}),
    ...(plan.ecrEndpoint ? { endpoint: plan.ecrEndpoint } : {}),
    env,
  });
  try {
    const docker = connectEngine();
    const cache = options.cache ?? new ConformanceCache();
    const store = await openPassRecordStore(ecr, {
      repository: plan.repository.name,
      ...(plan.repository.accountId ? { accountId: plan.repository.accountId } : {}),
      ...(plan.registry ? { registry: plan.registry } : {}),
    });
    const checked = await checkedImages(root, { docker, manifest, plan, cache, store, log });
    const result = await publishImage({
      docker,
      ecr,
      ...checked.published,
      tags: plan.tags,
      repository: plan.repository,
      ...(plan.registry ? { registry: plan.registry } : {}),
      retry: plan.retry,
      log,
    });
    log(summaryLine(result));
    if (checked.passes) {
      const { contentTag } = checked.published;
      const record = { template: name, contentTag, suiteKey: checked.key, passes: checked.passes };
      await recordTemplatePass(store, record, log);
    }
    return { ...result, name, image: checked.image, conformance: checked.conformance };
  } finally {
    ecr.client.destroy();
  }
}

/** template.json and the push options, checked and merged before anything is built. */
async function planPush(root: string, name: string, options: PushOptions, env: NodeJS.ProcessEnv) {
  const manifestPath = join(root, 'template.json');
  const manifest = await loadManifest(manifestPath).catch((error: unknown) => {
    throw error instanceof ManifestError ? new TemplateBuildError(error.message) : error;
  });
  return { manifest, plan: resolvePushPlan({ name, manifestPath, manifest, options, env }) };
}

interface CheckArgs {
  docker: Engine;
  manifest: TemplateManifest;
  plan: PushPlan;
  cache: ConformanceCache;
  store: PassRecordStore;
  log: (line: string) => void;
}

/** What is published, and the evidence it passed: a registry record, or passes made here. */
interface CheckedImages {
  published: ReturnType<typeof publishedImages>;
  image: string;
  key: string;
  conformance: PushTemplateResult['conformance'];
  /** Passes to record in the registry; undefined when a current record is there already. */
  passes?: ConformancePass[];
}

/**
 * Names every platform's image first (content hashes, no build) and asks the registry about them:
 * an image there with a current pass record for this suite is neither built nor checked again.
 * Otherwise every platform is built if needed, on an allowed base, and through the suite.
 */
async function checkedImages(root: string, args: CheckArgs): Promise<CheckedImages> {
  const { plan, log } = args;
  const key = await suiteKey(root);
  const maxAgeMs = plan.passMaxAgeMs;
  const planned: PlannedImage[] = [];
  for (const platform of await declaredPlatforms(root))
    planned.push(await planTemplateImage(root, { platform, quiet: true }));
  for (const image of planned) refuseOfflineBase(image, args.manifest, plan);
  const wanted = publishedImages(planned);
  const lookup = plan.force
    ? undefined
    : await lookupTemplatePass(args.store, wanted.contentTag, key, maxAgeMs).catch(
        (error: unknown) => {
          // Records only save time: one that cannot be read means the suite runs here.
          log(`note: could not read pass records (${(error as Error).message}); checking here`);
          return undefined;
        },
      );
  const image = planned.map((p) => p.image).join(', ');
  if (lookup?.found) {
    log(`conformance: ${registryPassLine(args.store, lookup)}; not built or checked again`);
    return { published: wanted, image, key, conformance: 'registry' };
  }
  if (lookup?.image) log(`conformance: ${registryPassLine(args.store, lookup)}`);
  const builds = await buildTemplatePlatforms(root);
  const passes: ConformancePass[] = [];
  let conformance: PushTemplateResult['conformance'] = 'cached';
  for (const built of builds) {
    await warnAboutPlatform(args.docker, built, args.manifest, log, builds.length > 1);
    const pass = await ensureConformance(root, built, { ...args, key, maxAgeMs });
    if (pass.ran) conformance = 'ran';
    passes.push(pass.pass);
  }
  return { published: publishedImages(builds), image, key, conformance, passes };
}

/** The local tag's content hash: what the image is pushed under. */
const contentTagOf = (image: string) => image.slice(image.lastIndexOf(':') + 1);

/**
 * One platform: its image under its content tag, as before platforms. Several: each under its own
 * content tag and an index of them all under a tag hashed from theirs, so that the index's tag
 * changes exactly when one of its images does.
 */
export function publishedImages(
  builds: Pick<BuiltTemplate, 'image' | 'platform'>[],
): { image: string; contentTag: string } | { platforms: PlatformImage[]; contentTag: string } {
  const [only] = builds;
  if (builds.length === 1 && only)
    return { image: only.image, contentTag: contentTagOf(only.image) };
  const platforms = builds.map((b) => ({
    platform: b.platform,
    image: b.image,
    contentTag: contentTagOf(b.image),
  }));
  const entries = platforms.map((p) => `${p.platform} ${p.contentTag}`);
  return {
    platforms,
    contentTag: fieldsHash('sagemaker-templates/image-index/v1', entries).slice(0, 16),
  };
}

/** Refuses an image on an offline stand-in base, unless allowed (test registries). */
function refuseOfflineBase(image: PlannedImage, manifest: TemplateManifest, plan: PushPlan): void {
  if (image.baseKind === 'offline' && !plan.allowOfflineBase) {
    throw new PushError(
      `${image.image} is built on the offline stand-in base ${manifest.base.offline}, not on ${manifest.base.upstream}; it must not reach ECR by mistake. Build on the real base (SAGEMAKER_TEMPLATES_BASE=upstream), or pass --allow-offline-base when pushing to a test registry.`,
    );
  }
}

/** Warns when the built image's platform is not what template.json (or the index) expects. */
async function warnAboutPlatform(
  docker: Engine,
  built: BuiltTemplate,
  manifest: TemplateManifest,
  log: (line: string) => void,
  inIndex: boolean,
): Promise<void> {
  const info = await inspectImage(docker, built.imageId);
  const expected = inIndex ? built.platform : undefined;
  for (const warning of checkImagePlatform(
    built.image,
    info ?? {},
    manifest.capabilities,
    expected,
  )) {
    log(`warning: ${warning}`);
  }
}

/**
 * Runs the suite unless this image passed it here within the pass age (and --force is not given);
 * a failure stops the push. Answers the pass, with the run's report, for the registry record.
 */
async function ensureConformance(
  root: string,
  built: BuiltTemplate,
  args: CheckArgs & { key: string; maxAgeMs: number },
): Promise<{ ran: boolean; pass: ConformancePass }> {
  const { cache, key, log } = args;
  const passed = args.plan.force ? undefined : await cache.find(built.imageId, key, args.maxAgeMs);
  if (passed) {
    log(
      `conformance: passed for this image (${built.imageId.slice(7, 19)}) and suite on ${passed.passedAt}; not run again`,
    );
    return { ran: false, pass: passed };
  }
  log(`conformance: checking ${built.image} (${built.platform}) before it is pushed`);
  const name = reportName(built.name, built.platform);
  const code = await checkTemplate(root, built.image, [], name);
  if (code !== 0) {
    throw new PushError(
      `${built.image} (${built.platform}) did not pass the conformance suite (exit code ${code}); nothing was pushed. Fix the failures above (report in reports/conformance/${name}.json), then push again.`,
    );
  }
  const report = await readFile(join('reports', 'conformance', `${name}.json`), 'utf8').then(
    JSON.parse,
    () => undefined,
  );
  const platform = built.platform;
  const pass = await cache.record({
    name,
    imageId: built.imageId,
    suiteKey: key,
    platform,
    report,
  });
  return { ran: true, pass };
}

/** One line for humans: what was pushed (or not), where, and where the tags point. */
export function summaryLine(result: PublishResult): string {
  const uri = `${result.repository.uri}:${result.reference.slice(result.reference.lastIndexOf(':') + 1)}`;
  const via =
    result.registry !== result.repository.uri.split('/')[0] ? ` via ${result.registry}` : '';
  const digest = result.digest.slice(0, 19);
  const tags = result.tags
    .map(
      (t) =>
        `${t.tag} ${t.moved ? (t.from ? `moved from ${t.from.slice(0, 19)}` : 'created') : 'unchanged'}`,
    )
    .join(', ');
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
  if (result.status === 'up-to-date') {
    return `up to date: ${uri} (${digest}) is already in ECR${via}; ${tags || 'no tags'} (${seconds})`;
  }
  const layers = result.push?.layers;
  const mb = ((result.push?.bytesUploaded ?? 0) / 1e6).toFixed(1);
  const index = result.platforms
    ? ` as an index of ${result.platforms.map((p) => `${p.platform} (:${p.tag}, ${p.status === 'pushed' ? 'pushed' : 'already there'})`).join(', ')}`
    : '';
  return `pushed ${uri} (${digest})${via}${index}: ${layers?.pushed ?? 0} layers uploaded (${mb} MB before compression), ${(layers?.existed ?? 0) + (layers?.mounted ?? 0)} already there; ${tags} (${seconds})`;
}
