import { basename, join } from 'node:path';
import {
  architectureOf,
  DEFAULT_PLATFORM,
  ExplainedError,
  platformReference,
  type Platform,
} from '@sagemaker-templates/contract';
import {
  assertEngineAnswers,
  connectEngine,
  engineCanRun,
  inspectImage,
  removeImage,
  tagReference,
  type Engine,
} from '@sagemaker-templates/engine';
import { baseMode } from './base-image.ts';
import { readImageConf, type ImageConf } from './image-conf.ts';
import { machineCache } from './machine-cache.ts';
import { withMachineLock } from './machine-lock.ts';
import { buildRecipeImage, verifyImage } from './recipe-build.ts';
import { prepareRecipeContext } from './recipe-context.ts';
import { BASE_IMAGE_LABEL, RECIPE_HASH_LABEL, STANDS_IN_FOR_LABEL } from './recipe-hash.ts';
import { recipeState, type RecipeState } from './recipe-state.ts';

/** Options of a base image's build target (src/executors/base-image/schema.json). */
export interface BaseImageOptions {
  force?: boolean;
  check?: boolean;
  /** The platform to make it for; default linux/amd64. Another one is tagged `<tag>-<arch>`. */
  platform?: Platform;
}

/** The command that makes one recipe's image (its parent first), for messages. */
export const makeCommand = (recipe: string, platform: Platform = DEFAULT_PLATFORM) =>
  `SAGEMAKER_TEMPLATES_BASE=offline npx nx run base-${recipe}:build${platform === DEFAULT_PLATFORM ? '' : ` --platform ${platform}`}`;

/**
 * `nx run base-<name>:build`: makes the offline stand-in base of tools/machine/base-images/<name>,
 * keeping an image whose recipe hash is unchanged ("up to date"). Its parent is Nx's to make first
 * (`dependsOn: ^build`). Templates' builds depend on it, so it leaves alone what the base mode does
 * not use: nothing under SAGEMAKER_TEMPLATES_BASE=upstream, and under auto (the default) only a
 * stand-in that is here already is kept up to date: making one from nothing installs Debian tools
 * as root, and auto builds on the upstream base when it can be pulled.
 */
export async function makeBaseImage(
  recipeRoot: string,
  options: BaseImageOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const recipe = basename(recipeRoot);
  const platform = options.platform ?? DEFAULT_PLATFORM;
  const conf = await platformConf(recipeRoot, platform);
  const mode = baseMode(env.SAGEMAKER_TEMPLATES_BASE ?? 'auto');
  const asked = options.force === true || options.check === true;
  if (!asked && mode === 'upstream') {
    console.log(
      `[base-${recipe}] SAGEMAKER_TEMPLATES_BASE=upstream: ${conf.image} is not used; left as it is.`,
    );
    return true;
  }
  if (!asked && mode === 'auto' && !(await isHere(conf.image))) {
    console.log(
      `[base-${recipe}] ${conf.image} is not here, and SAGEMAKER_TEMPLATES_BASE=auto builds on the upstream base when it can be pulled, so it is not made now. ` +
        `To make it: ${makeCommand(recipe, platform)}`,
    );
    return true;
  }
  return makeRecipe(await answeringEngine(), recipeRoot, conf, options, env);
}

/**
 * The recipe's image.conf with the image reference of `platform`; an error when the recipe cannot
 * make that platform, or when this host cannot run its RUN steps (no emulation set up).
 */
async function platformConf(recipeRoot: string, platform: Platform): Promise<ImageConf> {
  const file = join(recipeRoot, 'image.conf');
  const conf = await readImageConf(file);
  if (!conf.platforms.includes(platform))
    throw new ExplainedError(
      `${basename(recipeRoot)} makes ${conf.platforms.join(', ')} only (PLATFORMS in ${file}), not ${platform}. Build for one of those, or teach the recipe ${platform} and add it there.`,
    );
  const host = await engineCanRun(connectEngine(), platform);
  if (!host.runs)
    throw new ExplainedError(`this host cannot build ${platform} images: ${host.why}`);
  return { ...conf, image: platformReference(conf.image, platform) };
}

/** Up to date, stale (check), or made now, holding the machine's base image lock while it builds. */
export async function makeRecipe(
  docker: Engine,
  recipeRoot: string,
  conf: ImageConf,
  { force = false, check = false, platform = DEFAULT_PLATFORM }: BaseImageOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const say = (line: string) => console.log(`[base-${basename(recipeRoot)}] ${line}`);
  const upToDate = (state: RecipeState) =>
    say(`${conf.image} up to date (recipe ${state.hash.slice(0, 12)}, ${megabytes(state.size)})`);
  const state = await recipeState(docker, recipeRoot, conf, force, platform);
  if (!state.reason) {
    upToDate(state);
    return true;
  }
  if (check) {
    say(`${conf.image} needs making: ${state.reason}`);
    return false;
  }
  // Outside Nx (or when the parent's build left it alone), nothing here makes the parent.
  if (state.blocked) throw new ExplainedError(`${conf.image} cannot be made: ${state.reason}`);
  const lock = join(machineCache(env), 'base-images.lock');
  return withMachineLock(
    lock,
    async () => {
      // Another run may have made it while this one waited.
      const now = await recipeState(docker, recipeRoot, conf, force, platform);
      if (!now.reason) upToDate(now);
      else await makeImage(docker, recipeRoot, conf, now, { force, platform, env, say });
      return true;
    },
    (holder) => say(`another base image build (${holder}) holds ${lock}; waiting for it`),
  );
}

interface MakeImageOptions {
  force: boolean;
  platform: Platform;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}

/**
 * Builds the image from a prepared context (BASE_IMAGE: the parent's image), runs its VERIFY, and
 * removes the image it replaces (kept while something still uses it).
 */
async function makeImage(
  docker: Engine,
  recipeRoot: string,
  conf: ImageConf,
  state: RecipeState,
  { force, platform, env, say }: MakeImageOptions,
): Promise<void> {
  const recipe = basename(recipeRoot);
  const rerun = makeCommand(recipe, platform);
  const started = performance.now();
  say(`making ${conf.image} (stands in for ${conf.standsInFor}): ${state.reason}`);
  // prepare-context.sh fetches what the image needs for this architecture (amd64 or arm64).
  const contextEnv = { ...env, TARGET_ARCH: architectureOf(platform) };
  await using context = await prepareRecipeContext(recipeRoot, contextEnv);
  const logFile = join(machineCache(env), 'logs', `${recipe}.log`);
  say(`  docker build (full log: ${logFile})`);
  await buildRecipeImage(docker, {
    context: context.dir,
    image: conf.image,
    labels: {
      [RECIPE_HASH_LABEL]: state.hash,
      [STANDS_IN_FOR_LABEL]: conf.standsInFor,
      [BASE_IMAGE_LABEL]: recipe,
    },
    buildArgs: {
      ...context.buildArgs,
      ...(state.parentImage ? { BASE_IMAGE: state.parentImage } : {}),
    },
    // Forced means made again for real (say, to take in Debian security updates), not from layer cache.
    noCache: force,
    platform,
    logFile,
    rerun,
    say,
  });
  if (conf.verify) {
    const verified = verifyImage(docker, conf.image, conf.verify, { rerun, platform });
    say(
      `  check: ${await verified.catch((error: unknown) => putBack(docker, conf.image, state.currentId, error))}`,
    );
  }
  const made = await inspectImage(docker, conf.image);
  if (state.currentId && state.currentId !== made?.Id) {
    // An image still in use (a container, a child not yet remade) stays; the engine drops it with its last user.
    await removeImage(docker, state.currentId).catch(() => undefined);
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  say(`made ${conf.image} in ${seconds} s (${megabytes(made?.Size)})`);
}

/**
 * A new image that fails its check must not pass for up to date on the next run (it carries the
 * recipe's hash): the reference goes back to the image it replaced, or away when there was none.
 */
async function putBack(
  docker: Engine,
  image: string,
  previousId: string | undefined,
  error: unknown,
): Promise<never> {
  const failed = (await inspectImage(docker, image))?.Id;
  if (previousId) await tagReference(docker, previousId, image);
  if (failed && failed !== previousId) await removeImage(docker, failed).catch(() => undefined);
  throw error;
}

const megabytes = (bytes = 0) => `${Math.round(bytes / 1_000_000)} MB`;

async function isHere(image: string): Promise<boolean> {
  // An engine that does not answer is the template build's to report, with its own hint.
  return inspectImage(connectEngine(), image).then(Boolean, () => false);
}

/** The engine, or an error saying how to start one. */
async function answeringEngine(): Promise<Engine> {
  const docker = connectEngine();
  try {
    await assertEngineAnswers(docker);
  } catch (error) {
    // Its message says how to start one; no stack needed.
    throw new ExplainedError((error as Error).message, { cause: error });
  }
  return docker;
}
