import { DEFAULT_PLATFORM, type Platform } from '@sagemaker-templates/contract';
import { treeHash } from '@sagemaker-templates/engine';

/**
 * Bump when the way a recipe becomes an image changes: every image's hash changes with it, so each
 * is made again once. 2: made by make-base-image.ts over the engine (1 was make-base-images.sh).
 */
export const RECIPE_FORMAT = 2;

/** The labels of a made base image (the recipe hash decides whether it is up to date). */
export const RECIPE_HASH_LABEL = 'dev.sagemaker-templates.recipe-hash';
export const STANDS_IN_FOR_LABEL = 'dev.sagemaker-templates.stands-in-for';
export const BASE_IMAGE_LABEL = 'dev.sagemaker-templates.base-image';

/**
 * What makes the image: every file of the recipe folder (path, executable bit, content; the
 * engine's tree hash), the recipe format, and the exact image it is built on, so that a remade
 * parent means a remade child. `parentId` is empty for an image built from scratch. Another
 * platform than the default is part of it too (the default's hashes predate platforms).
 */
export function recipeHash(
  recipeRoot: string,
  parentId: string,
  platform: Platform = DEFAULT_PLATFORM,
): Promise<string> {
  const extra = [`format ${RECIPE_FORMAT}`, `parent ${parentId}`];
  if (platform !== DEFAULT_PLATFORM) extra.push(`platform ${platform}`);
  return treeHash([{ label: 'recipe', root: recipeRoot }], extra);
}
