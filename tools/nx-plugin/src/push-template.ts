import { basename, join, resolve } from 'node:path';
import { loadManifest, ManifestError } from '@sagemaker-templates/contract';
import { connectEngine, inspectImage } from '@sagemaker-templates/engine';
import {
  checkImagePlatform,
  connectEcr,
  publishImage,
  PushError,
  redactEnvironmentSecrets,
  redactor,
  type PublishResult,
} from '@sagemaker-templates/registry';
import { buildTemplate, TemplateBuildError } from './build-template.ts';
import { checkTemplate } from './check-template.ts';
import { ConformanceCache, suiteKey } from './conformance-cache.ts';
import { parsePushArgs, resolvePushPlan } from './push-plan.ts';

export interface PushTemplateOptions {
  /** The push target's options, as Nx forwards them. */
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  cache?: ConformanceCache;
  /** Receives every output line, already redacted; default console.log. */
  log?: (line: string) => void;
}

export interface PushTemplateResult extends PublishResult {
  name: string;
  /** The local content-hash tag. */
  image: string;
  /** `ran`: the suite ran now and passed; `cached`: it had passed for this image and suite before. */
  conformance: 'ran' | 'cached';
}

/**
 * `nx run <template>:push`: settles region and credentials first (so a missing one fails in a
 * second, not after a build), builds the image if its inputs changed, runs the conformance suite
 * unless it already passed for this image and suite, then publishes it to ECR.
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

  const manifestPath = join(root, 'template.json');
  const manifest = await loadManifest(manifestPath).catch((error: unknown) => {
    throw error instanceof ManifestError ? new TemplateBuildError(error.message) : error;
  });
  const plan = resolvePushPlan({
    name,
    manifestPath,
    manifest,
    cli: parsePushArgs(options.argv ?? []),
    env,
  });
  const ecr = await connectEcr({
    ...(plan.region ? { region: plan.region } : {}),
    ...(plan.regionSource ? { regionSource: plan.regionSource } : {}),
    ...(plan.ecrEndpoint ? { endpoint: plan.ecrEndpoint } : {}),
    env,
  });
  try {
    const built = await buildTemplate(root);
    if (built.baseKind === 'offline' && !plan.allowOfflineBase) {
      throw new PushError(
        `${built.image} is built on the offline stand-in base ${manifest.base.offline}, not on ${manifest.base.upstream}; it must not reach ECR by mistake. Build on the real base (SAGEMAKER_TEMPLATES_BASE=upstream), or pass --allow-offline-base when pushing to a test registry.`,
      );
    }
    const docker = connectEngine();
    const info = await inspectImage(docker, built.imageId);
    for (const warning of checkImagePlatform(built.image, info ?? {}, manifest.capabilities)) {
      log(`warning: ${warning}`);
    }

    const cache = options.cache ?? new ConformanceCache();
    const key = await suiteKey(root);
    const passed = await cache.find(built.imageId, key);
    let conformance: PushTemplateResult['conformance'] = 'cached';
    if (passed) {
      log(
        `conformance: passed for this image (${built.imageId.slice(7, 19)}) and suite on ${passed.passedAt}; not run again`,
      );
    } else {
      log(`conformance: checking ${built.image} before it is pushed`);
      const code = await checkTemplate(root, built.image, []);
      if (code !== 0) {
        throw new PushError(
          `${built.image} did not pass the conformance suite (exit code ${code}); nothing was pushed. Fix the failures above (report in reports/conformance/${name}.json), then push again.`,
        );
      }
      await cache.record({ name, imageId: built.imageId, suiteKey: key });
      conformance = 'ran';
    }

    const contentTag = built.image.slice(built.image.lastIndexOf(':') + 1);
    const result = await publishImage({
      docker,
      ecr,
      image: built.image,
      contentTag,
      tags: plan.tags,
      repository: plan.repository,
      ...(plan.registry ? { registry: plan.registry } : {}),
      retry: plan.retry,
      log,
    });
    log(summaryLine(result));
    return { ...result, name, image: built.image, conformance };
  } finally {
    ecr.client.destroy();
  }
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
  return `pushed ${uri} (${digest})${via}: ${layers?.pushed ?? 0} layers uploaded (${mb} MB before compression), ${(layers?.existed ?? 0) + (layers?.mounted ?? 0)} already there; ${tags} (${seconds})`;
}
