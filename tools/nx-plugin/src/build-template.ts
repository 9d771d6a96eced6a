import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  DEFAULT_PLATFORM,
  ExplainedError,
  loadManifest,
  ManifestError,
  platformReference,
  type Platform,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import {
  assertEngineAnswers,
  buildImage,
  connectEngine,
  contentHash,
  engineCanRun,
  inspectImage,
  tagReference,
} from '@sagemaker-templates/engine';
import { baseMode, resolveBase, type ResolvedBase } from './base-image.ts';

export class TemplateBuildError extends ExplainedError {
  override name = 'TemplateBuildError';
}

export interface BuiltTemplate {
  name: string;
  /** The content-hash tag: the exact image for these inputs. */
  image: string;
  devTag: string;
  imageId: string;
  built: boolean;
  baseKind: 'upstream' | 'offline';
  platform: Platform;
}

/** Options of the build target (src/executors/build/schema.json). */
export interface BuildOptions {
  quiet?: boolean;
  /** One of template.json's platforms; default linux/amd64 (buildTemplatePlatforms: every one). */
  platform?: Platform;
  /** Build every step again, as a fresh CI runner would (benchmarks); the hash is unchanged. */
  noCache?: boolean;
}

/**
 * `nx run <template>:build`: every platform of template.json (linux/amd64 first, natively or under
 * emulation), or only `options.platform`. A platform this host cannot run stops the build with the
 * fix, since a push must carry them all.
 */
export async function buildTemplatePlatforms(
  root: string,
  options: BuildOptions = {},
): Promise<BuiltTemplate[]> {
  const platforms = options.platform ? [options.platform] : await declaredPlatforms(root);
  const built: BuiltTemplate[] = [];
  for (const platform of platforms) built.push(await buildTemplate(root, { ...options, platform }));
  return built;
}

/** template.json's platforms, the default one first (the one every other tool looks at). */
export async function declaredPlatforms(root: string): Promise<Platform[]> {
  const manifest = await loadManifest(join(root, 'template.json')).catch((error: unknown) => {
    throw error instanceof ManifestError ? new TemplateBuildError(error.message) : error;
  });
  const others = manifest.platforms.filter((p) => p !== DEFAULT_PLATFORM);
  return manifest.platforms.includes(DEFAULT_PLATFORM) ? [DEFAULT_PLATFORM, ...others] : others;
}

/** Docker repository path components: lowercase letters, digits and separators. */
const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export const imageRepository = (name: string) => `sagemaker-templates/${name}`;

/** A template's image for one platform as it would be built now: its tag, base and build args. */
export interface PlannedImage {
  name: string;
  /** The content-hash tag: the exact image for these inputs. */
  image: string;
  devTag: string;
  baseKind: 'upstream' | 'offline';
  platform: Platform;
  manifest: TemplateManifest;
  base: ResolvedBase;
  buildArgs: Record<string, string>;
  hash: string;
}

/**
 * Names the image of templates/<name> for one platform without building it: the content hash of
 * the inputs (files, base image id, build args, platform). A push asks the registry about that tag
 * before it builds anything.
 */
export async function planTemplateImage(
  root: string,
  options: { platform?: Platform; quiet?: boolean } = {},
): Promise<PlannedImage> {
  const name = basename(resolve(root));
  const platform = options.platform ?? DEFAULT_PLATFORM;
  const manifest = await readTemplate(root, name, platform);
  const docker = connectEngine();
  await assertEngineAnswers(docker);
  const base = await resolveBase(docker, manifest, baseMode(), platform).catch((error: unknown) => {
    throw new TemplateBuildError((error as Error).message);
  });
  if (base.note && !options.quiet) console.warn(`[${name}:build] note: ${base.note}`);
  const buildArgs = { ...manifest.buildArgs, BASE_IMAGE: base.ref };
  const hash = await inputsHash(root, base, buildArgs, platform);
  const repository = imageRepository(name);
  const image = `${repository}:${hash}`;
  const devTag = platformReference(`${repository}:dev`, platform);
  return { name, image, devTag, baseKind: base.kind, platform, manifest, base, buildArgs, hash };
}

/**
 * Builds templates/<name> for one platform into sagemaker-templates/<name>:<content hash> and moves
 * the :dev tag (:dev-arm64 for linux/arm64) to it. Unchanged inputs (files, base image id, build
 * args, platform) mean no build at all.
 */
export async function buildTemplate(
  root: string,
  options: BuildOptions = {},
): Promise<BuiltTemplate> {
  const planned = await planTemplateImage(root, options);
  const { name, image, devTag, platform, manifest, base, buildArgs, hash } = planned;
  const log = (line: string) => {
    if (!options.quiet) console.log(`[${name}:build] ${line}`);
  };
  const docker = connectEngine();
  const existing = options.noCache ? undefined : await inspectImage(docker, image);
  const result = { name, image, devTag, baseKind: base.kind, platform };
  if (existing) {
    await tagReference(docker, existing.Id, devTag);
    log(`up to date: ${image} (inputs unchanged, base ${base.ref})`);
    return { ...result, imageId: existing.Id, built: false };
  }
  log(`building ${image} for ${platform} on ${base.kind} base ${base.ref}`);
  const built = await buildImage(docker, {
    context: root,
    tags: [image, devTag],
    buildArgs,
    labels: imageLabels(name, manifest, base, hash),
    platform,
    ...(options.noCache ? { noCache: true } : {}),
    onLine: (line) => log(line),
  }).catch((error: unknown) => {
    throw new TemplateBuildError(`the image build failed: ${(error as Error).message}`);
  });
  const info = await inspectImage(docker, image);
  const sizeMb = info ? (info.Size / 1e6).toFixed(1) : '?';
  log(
    `built ${image} (${built.imageId.slice(7, 19)}, ${sizeMb} MB) in ${(built.durationMs / 1000).toFixed(1)} s${built.cached ? ', every step from the layer cache' : ''}`,
  );
  return { ...result, imageId: built.imageId, built: true };
}

/**
 * What names the image: the context, the base image id and build arguments, and a platform other
 * than the default (which adds nothing, so images built before platforms keep their tags); 16 hex
 * characters (64 bits) name an image uniquely enough and stay readable in tags.
 */
async function inputsHash(
  root: string,
  base: ResolvedBase,
  buildArgs: Record<string, string>,
  platform: Platform,
): Promise<string> {
  const extra = platform === DEFAULT_PLATFORM ? [] : [`platform ${platform}`];
  return (await contentHash(root, [base.id, JSON.stringify(buildArgs), ...extra])).slice(0, 16);
}

/** OCI labels (title, version, base) and ours: which template, which inputs, which kind of base. */
function imageLabels(
  name: string,
  manifest: TemplateManifest,
  base: ResolvedBase,
  hash: string,
): Record<string, string> {
  return {
    'org.opencontainers.image.title': name,
    'org.opencontainers.image.version': manifest.version,
    'org.opencontainers.image.description': manifest.description,
    'org.opencontainers.image.base.name': base.ref,
    'dev.sagemaker-templates.template': name,
    'dev.sagemaker-templates.content-hash': hash,
    'dev.sagemaker-templates.base-kind': base.kind,
  };
}

/**
 * The template's manifest, once its folder name, template.json and Dockerfile are fit to build
 * for `platform`, and this host can run that platform's RUN steps.
 */
async function readTemplate(
  root: string,
  name: string,
  platform: Platform,
): Promise<TemplateManifest> {
  if (!IMAGE_NAME.test(name)) {
    throw new TemplateBuildError(
      `the folder name "${name}" cannot name a Docker image. Rename the folder to lowercase letters, digits, '.', '_' or '-'.`,
    );
  }
  const manifest = await loadManifest(join(root, 'template.json')).catch((error: unknown) => {
    throw error instanceof ManifestError ? new TemplateBuildError(error.message) : error;
  });
  await access(join(root, 'Dockerfile')).catch(() => {
    throw new TemplateBuildError(
      `${join(root, 'Dockerfile')} is missing. Every template needs a Dockerfile that takes ARG BASE_IMAGE.`,
    );
  });
  if (!manifest.platforms.includes(platform))
    throw new TemplateBuildError(
      `${join(root, 'template.json')} lists platforms ${manifest.platforms.join(', ')}, not ${platform}. Add "${platform}" to its platforms to build it.`,
    );
  const host = await engineCanRun(connectEngine(), platform);
  if (!host.runs)
    throw new TemplateBuildError(
      `this host cannot build ${platform} images, which template.json's platforms list: ${host.why} To build the others only, pass --platform (e.g. --platform ${DEFAULT_PLATFORM}); a push needs them all.`,
    );
  return manifest;
}
