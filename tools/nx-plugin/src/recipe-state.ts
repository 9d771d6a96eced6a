import { dirname, join } from 'node:path';
import {
  DEFAULT_PLATFORM,
  ExplainedError,
  platformReference,
  type Platform,
} from '@sagemaker-templates/contract';
import { inspectImage, type Engine } from '@sagemaker-templates/engine';
import { readImageConf, type ImageConf } from './image-conf.ts';
import { recipeHash, RECIPE_HASH_LABEL } from './recipe-hash.ts';

/** Where a recipe's image stands against its recipe. */
export interface RecipeState {
  /** The recipe hash the image must carry. */
  hash: string;
  /** The parent's image reference (BASE_IMAGE), for a recipe with a PARENT. */
  parentImage?: string;
  /** The image's id now, when it exists. */
  currentId?: string;
  /** Its size in bytes, when it exists. */
  size?: number;
  /** Why it must be made; undefined when it is up to date. */
  reason?: string;
  /** True when it cannot be made now: the parent's image is missing (the reason says so). */
  blocked?: boolean;
}

/**
 * Compares the image with its recipe (and the parent image it is built on). A PARENT's image that
 * is missing is reported as the reason, with the command that makes it; `force` is a reason too.
 */
export async function recipeState(
  docker: Engine,
  recipeRoot: string,
  conf: ImageConf,
  force = false,
  platform: Platform = DEFAULT_PLATFORM,
): Promise<RecipeState> {
  const parent = conf.parent
    ? await parentImage(docker, recipeRoot, conf.parent, platform)
    : undefined;
  const hash = await recipeHash(recipeRoot, parentId(parent), platform);
  const info = await inspectImage(docker, conf.image);
  const current = {
    hash,
    ...(parent ? { parentImage: parent.image } : {}),
    ...(info ? { currentId: info.Id, size: info.Size } : {}),
  };
  const label = info?.Config.Labels?.[RECIPE_HASH_LABEL] ?? '';
  if (parent && !parent.id) return { ...current, reason: parent.missing, blocked: true };
  if (!info) return { ...current, reason: 'missing' };
  if (label !== hash) {
    return {
      ...current,
      reason: `recipe changed (image ${label.slice(0, 12) || 'unlabelled'}, recipe ${hash.slice(0, 12)})`,
    };
  }
  return force ? { ...current, reason: '--force' } : current;
}

const parentId = (parent: { id: string } | undefined) => parent?.id ?? '';

/** The parent recipe's image for `platform` and its id (empty with a `missing` reason when it is not here). */
async function parentImage(docker: Engine, recipeRoot: string, parent: string, platform: Platform) {
  const file = join(dirname(recipeRoot), parent, 'image.conf');
  const conf = await readImageConf(file).catch((error: unknown) => {
    throw new ExplainedError(
      `${join(recipeRoot, 'image.conf')} names PARENT=${parent}, but ${file} cannot be read (${(error as Error).message}). Name a folder of ${dirname(recipeRoot)}.`,
    );
  });
  const image = platformReference(conf.image, platform);
  const info = await inspectImage(docker, image);
  const option = platform === DEFAULT_PLATFORM ? '' : ` --platform ${platform}`;
  const missing = `the image it is built on, ${image}, is not here. Make it first: SAGEMAKER_TEMPLATES_BASE=offline npx nx run base-${parent}:build${option}`;
  return { image, id: info?.Id ?? '', missing };
}
