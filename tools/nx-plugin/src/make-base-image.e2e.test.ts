import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectEngine, inspectImage, removeImage } from '@sagemaker-templates/engine';
import { readImageConf } from './image-conf.ts';
import { makeRecipe } from './make-base-image.ts';
import { RECIPE_HASH_LABEL } from './recipe-hash.ts';

// A throwaway recipe on the debian stand-in (made by tools/machine's e2e test or setup.sh): the
// decisions (up to date, check, remake) and the errors, with builds of a second or two.
const docker = connectEngine();
const PARENT_IMAGE = 'sagemaker-templates/debian:bookworm';
const IMAGE = `sagemaker-templates/e2e-tiny:${randomBytes(4).toString('hex')}`;
const DOCKERFILE = [
  'ARG BASE_IMAGE',
  'FROM ${BASE_IMAGE}',
  'ARG GREETING',
  'RUN echo "$GREETING" > /greeting',
  '',
].join('\n');
const PREPARE = 'printf "GREETING=hello from prepare-context\\n" > "$1/build-args.env"\n';

let dir: string;
let recipe: string;
let env: NodeJS.ProcessEnv;
let lines: string[];

async function writeRecipe(parentImage = PARENT_IMAGE): Promise<void> {
  await mkdir(join(dir, 'parent'), { recursive: true });
  await writeFile(join(dir, 'parent', 'image.conf'), `IMAGE=${parentImage}\n`);
  await mkdir(recipe, { recursive: true });
  await writeFile(
    join(recipe, 'image.conf'),
    `IMAGE=${IMAGE}\nSTANDS_IN_FOR=tiny:upstream\nPARENT=parent\nVERIFY='cat /greeting'\n`,
  );
  await writeFile(join(recipe, 'Dockerfile'), DOCKERFILE);
  await writeFile(join(recipe, 'prepare-context.sh'), PREPARE);
}

const make = async (options: { force?: boolean; check?: boolean } = {}) =>
  makeRecipe(docker, recipe, await readImageConf(join(recipe, 'image.conf')), options, env);
const output = () => lines.join('\n');
const danglingTinyImages = async () =>
  (
    await docker.listImages({
      filters: { dangling: ['true'], label: ['dev.sagemaker-templates.base-image=tiny'] },
    })
  )
    .map((image) => image.Id)
    .sort();
const imageId = async () => (await inspectImage(docker, IMAGE))?.Id;

beforeAll(async () => {
  if (!(await inspectImage(docker, PARENT_IMAGE))) {
    throw new Error(
      `${PARENT_IMAGE} is not here. Make it: SAGEMAKER_TEMPLATES_BASE=offline npx nx run base-debian:build`,
    );
  }
  dir = await mkdtemp(join(tmpdir(), 'base-image-e2e-'));
  recipe = join(dir, 'tiny');
  env = { ...process.env, SAGEMAKER_TEMPLATES_CACHE: join(dir, 'cache') };
});
afterAll(async () => {
  await removeImage(docker, IMAGE).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  lines = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
});
afterEach(() => vi.restoreAllMocks());

describe('makeRecipe with a throwaway recipe', () => {
  it('check: a missing image fails and says why; nothing is made', async () => {
    await writeRecipe();
    expect(await make({ check: true })).toBe(false);
    expect(output()).toContain(`${IMAGE} needs making: missing`);
    expect(await imageId()).toBeUndefined();
  });

  it('makes it: build args from prepare-context.sh, BASE_IMAGE, labels, VERIFY, the full log', async () => {
    expect(await make()).toBe(true);
    expect(output()).toContain(`making ${IMAGE} (stands in for tiny:upstream): missing`);
    expect(output()).toMatch(/Step 4\/\d+ : RUN echo "\$GREETING" > \/greeting/);
    expect(output()).toContain('check: hello from prepare-context');
    const labels = (await inspectImage(docker, IMAGE))?.Config.Labels ?? {};
    expect(labels[RECIPE_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);
    expect(labels['dev.sagemaker-templates.base-image']).toBe('tiny');
    expect(labels['dev.sagemaker-templates.stands-in-for']).toBe('tiny:upstream');
    const log = await readFile(
      join(env.SAGEMAKER_TEMPLATES_CACHE ?? '', 'logs', 'tiny.log'),
      'utf8',
    );
    expect(log).toContain('Successfully tagged');
  });

  it('a second run is up to date and makes nothing; check passes', async () => {
    const before = await imageId();
    expect(await make()).toBe(true);
    expect(await make({ check: true })).toBe(true);
    expect(output()).toMatch(new RegExp(`${IMAGE} up to date \\(recipe [0-9a-f]{12}, \\d+ MB\\)`));
    expect(output()).not.toContain('making');
    expect(await imageId()).toBe(before);
  });

  it('a changed recipe (the executable bit alone): check fails, a run remakes it and drops the old image', async () => {
    const before = await imageId();
    await chmod(join(recipe, 'prepare-context.sh'), 0o755);
    expect(await make({ check: true })).toBe(false);
    expect(output()).toMatch(
      /needs making: recipe changed \(image [0-9a-f]{12}, recipe [0-9a-f]{12}\)/,
    );
    expect(await make()).toBe(true);
    expect(output()).toContain('made');
    expect(await imageId()).not.toBe(before);
    expect(await inspectImage(docker, before ?? '')).toBeUndefined();
  });

  it('two runs at once: one builds, the other waits for the lock and finds it up to date', async () => {
    await writeFile(join(recipe, 'Dockerfile'), `${DOCKERFILE}RUN echo two > /two\n`);
    expect(await Promise.all([make(), make()])).toEqual([true, true]);
    expect(output().match(/making /g)).toHaveLength(1);
    expect(output()).toMatch(/holds .*base-images\.lock; waiting for it/);
    expect(output()).toContain(`${IMAGE} up to date`);
  });

  it('a broken recipe: the failed step, the last log lines and the fix; the image stays as it was', async () => {
    const before = await imageId();
    await writeFile(
      join(recipe, 'Dockerfile'),
      `${DOCKERFILE}RUN echo broken-step-output && exit 3\n`,
    );
    const error = await make().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(
      /docker build of .* failed at step 5\/\d+ `RUN echo broken-step-output && exit 3`/,
    );
    expect(message).toContain(
      `Last lines of ${join(env.SAGEMAKER_TEMPLATES_CACHE ?? '', 'logs', 'tiny.log')}`,
    );
    expect(message).toContain('\nbroken-step-output\n');
    expect(message).toContain('Hint: reproduce it in the layer before the step');
    expect(message).toContain(
      'then run again: SAGEMAKER_TEMPLATES_BASE=offline npx nx run base-tiny:build',
    );
    expect(await imageId()).toBe(before);
  });

  it('an image that fails its VERIFY: the output and the fix; the reference goes back to the previous image', async () => {
    await writeRecipe();
    const before = await imageId();
    const danglingBefore = await danglingTinyImages();
    await writeFile(
      join(recipe, 'image.conf'),
      `IMAGE=${IMAGE}\nPARENT=parent\nVERIFY='echo verify-said-no; exit 4'\n`,
    );
    const message = await make().then(String, (e: unknown) => (e as Error).message);
    expect(message).toContain(
      `the new ${IMAGE} fails its check (VERIFY in image.conf: echo verify-said-no; exit 4): it exited with 4`,
    );
    expect(message).toContain('verify-said-no');
    expect(await imageId()).toBe(before);
    expect(await danglingTinyImages()).toEqual(danglingBefore);
  });

  it("a missing parent image: the error names the parent project's build", async () => {
    await writeRecipe('sagemaker-templates/absent-e2e:never');
    expect(await make({ check: true })).toBe(false);
    const message = await make().then(String, (e: unknown) => (e as Error).message);
    for (const text of [output(), message]) {
      expect(text).toContain(
        'the image it is built on, sagemaker-templates/absent-e2e:never, is not here. Make it first: SAGEMAKER_TEMPLATES_BASE=offline npx nx run base-parent:build',
      );
    }
  });
});
