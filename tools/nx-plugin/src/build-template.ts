import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  ExplainedError,
  loadManifest,
  ManifestError,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import {
  assertEngineAnswers,
  buildImage,
  connectEngine,
  contentHash,
  inspectImage,
  tagImage,
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
}

/** Docker repository path components: lowercase letters, digits and separators. */
const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export const imageRepository = (name: string) => `sagemaker-templates/${name}`;

/**
 * Builds templates/<name> into sagemaker-templates/<name>:<content hash> and moves the :dev tag to it.
 * Unchanged inputs (files, base image id, build args) mean no build at all.
 */
export async function buildTemplate(
  root: string,
  options: { quiet?: boolean } = {},
): Promise<BuiltTemplate> {
  const name = basename(resolve(root));
  const log = (line: string) => {
    if (!options.quiet) console.log(`[${name}:build] ${line}`);
  };
  const manifest = await readTemplate(root, name);
  const docker = connectEngine();
  await assertEngineAnswers(docker);
  const base = await resolveBase(docker, manifest, baseMode()).catch((error: unknown) => {
    throw new TemplateBuildError((error as Error).message);
  });
  if (base.note && !options.quiet) console.warn(`[${name}:build] note: ${base.note}`);
  const buildArgs = { ...manifest.buildArgs, BASE_IMAGE: base.ref };
  // 16 hex characters (64 bits) name an image uniquely enough and stay readable in tags.
  const hash = (await contentHash(root, [base.id, JSON.stringify(buildArgs)])).slice(0, 16);
  const repository = imageRepository(name);
  const image = `${repository}:${hash}`;
  const devTag = `${repository}:dev`;
  const existing = await inspectImage(docker, image);
  if (existing) {
    await tagImage(docker, existing.Id, repository, 'dev');
    log(`up to date: ${image} (inputs unchanged, base ${base.ref})`);
    return { name, image, devTag, imageId: existing.Id, built: false, baseKind: base.kind };
  }
  log(`building ${image} on ${base.kind} base ${base.ref}`);
  const result = await buildImage(docker, {
    context: root,
    tags: [image, devTag],
    buildArgs,
    labels: imageLabels(name, manifest, base, hash),
    onLine: (line) => log(line),
  }).catch((error: unknown) => {
    throw new TemplateBuildError(`the image build failed: ${(error as Error).message}`);
  });
  const info = await inspectImage(docker, image);
  const sizeMb = info ? (info.Size / 1e6).toFixed(1) : '?';
  log(
    `built ${image} (${result.imageId.slice(7, 19)}, ${sizeMb} MB) in ${(result.durationMs / 1000).toFixed(1)} s${result.cached ? ', every step from the layer cache' : ''}`,
  );
  return { name, image, devTag, imageId: result.imageId, built: true, baseKind: base.kind };
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

/** The template's manifest, once its folder name, template.json and Dockerfile are fit to build. */
async function readTemplate(root: string, name: string): Promise<TemplateManifest> {
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
  return manifest;
}
