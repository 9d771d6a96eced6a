import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { connectEngine, inspectImage } from '@sagemaker-templates/engine';
import { baseMode } from './base-image.ts';
import { readImageConf } from './image-conf.ts';

/** Options of a base image's build target (src/executors/base-image/schema.json). */
export interface BaseImageOptions {
  force?: boolean;
  check?: boolean;
}

export const MAKE_BASE_IMAGES = 'tools/machine/make-base-images.sh';

/**
 * `nx run base-<name>:build`: makes the offline stand-in base of tools/machine/base-images/<name>
 * with make-base-images.sh, which keeps an image whose recipe hash is unchanged ("up to date").
 * Templates' builds depend on it, so it leaves alone what the base mode does not use: nothing
 * under SAGEMAKER_TEMPLATES_BASE=upstream, and under auto (the default) only a stand-in that is
 * here already is kept up to date: making one from nothing installs Debian tools as root, and auto
 * builds on the upstream base when it can be pulled.
 */
export async function makeBaseImage(
  recipeRoot: string,
  options: BaseImageOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const recipe = basename(recipeRoot);
  const { image } = await readImageConf(join(recipeRoot, 'image.conf'));
  const mode = baseMode(env.SAGEMAKER_TEMPLATES_BASE ?? 'auto');
  const asked = options.force === true || options.check === true;
  if (!asked && mode === 'upstream') {
    console.log(
      `[base-${recipe}] SAGEMAKER_TEMPLATES_BASE=upstream: ${image} is not used; left as it is.`,
    );
    return true;
  }
  if (!asked && mode === 'auto' && !(await isHere(image))) {
    console.log(
      `[base-${recipe}] ${image} is not here, and SAGEMAKER_TEMPLATES_BASE=auto builds on the upstream base when it can be pulled, so it is not made now. ` +
        `To make it: SAGEMAKER_TEMPLATES_BASE=offline npx nx run base-${recipe}:build (or bash ${MAKE_BASE_IMAGES}).`,
    );
    return true;
  }
  const args = [MAKE_BASE_IMAGES, '--only', recipe];
  if (options.force) args.push('--force');
  if (options.check) args.push('--check');
  return (await run('bash', args)) === 0;
}

async function isHere(image: string): Promise<boolean> {
  // An engine that does not answer is the template build's to report, with its own hint.
  return inspectImage(connectEngine(), image).then(Boolean, () => false);
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}
