import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { treeHash } from '@sagemaker-templates/engine';
import { makeBaseImage } from './make-base-image.ts';
import { parseBuildArgs, prepareRecipeContext } from './recipe-context.ts';
import { RECIPE_FORMAT, recipeHash } from './recipe-hash.ts';

// Only the decisions that make nothing: making an image is the e2e test's (tools/machine).
describe('makeBaseImage leaves alone what the base mode does not use', () => {
  let recipe: string;
  let lines: string[];
  beforeEach(async () => {
    recipe = join(await mkdtemp(join(tmpdir(), 'recipe-')), 'stand-in');
    await mkdir(recipe);
    await writeFile(join(recipe, 'image.conf'), 'IMAGE=sagemaker-templates/absent-e2e:never\n');
    lines = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(join(recipe, '..'), { recursive: true, force: true });
  });

  it('upstream: nothing to do', async () => {
    expect(await makeBaseImage(recipe, {}, { SAGEMAKER_TEMPLATES_BASE: 'upstream' })).toBe(true);
    expect(lines.join('\n')).toContain(
      'SAGEMAKER_TEMPLATES_BASE=upstream: sagemaker-templates/absent-e2e:never is not used',
    );
  });

  it('auto: a stand-in that is not here is not made, and the message says how to make it', async () => {
    expect(await makeBaseImage(recipe, {}, {})).toBe(true);
    expect(lines.join('\n')).toContain(
      'To make it: SAGEMAKER_TEMPLATES_BASE=offline npx nx run base-stand-in:build',
    );
  });
});

describe('recipeHash: what makes a base image', () => {
  let recipe: string;
  beforeEach(async () => {
    recipe = await mkdtemp(join(tmpdir(), 'recipe-hash-'));
    await writeFile(join(recipe, 'image.conf'), 'IMAGE=sagemaker-templates/tiny:1\n');
    await writeFile(join(recipe, 'Dockerfile'), 'FROM scratch\n');
  });
  afterEach(() => rm(recipe, { recursive: true, force: true }));

  it('is stable for the same recipe and parent', async () => {
    expect(await recipeHash(recipe, 'sha256:a')).toBe(await recipeHash(recipe, 'sha256:a'));
    expect(await recipeHash(recipe, 'sha256:a')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs per platform, and the default platform keeps the hash it had before platforms', async () => {
    const amd64 = await recipeHash(recipe, 'sha256:a', 'linux/amd64');
    expect(amd64).toBe(await recipeHash(recipe, 'sha256:a'));
    expect(await recipeHash(recipe, 'sha256:a', 'linux/arm64')).not.toBe(amd64);
  });

  it("changes with the parent image's id: a remade parent means a remade child", async () => {
    expect(await recipeHash(recipe, 'sha256:a')).not.toBe(await recipeHash(recipe, 'sha256:b'));
    expect(await recipeHash(recipe, '')).not.toBe(await recipeHash(recipe, 'sha256:a'));
  });

  it('changes with a file, and with its executable bit alone', async () => {
    const before = await recipeHash(recipe, '');
    await writeFile(join(recipe, 'entry.sh'), 'echo hi\n');
    const added = await recipeHash(recipe, '');
    await chmod(join(recipe, 'entry.sh'), 0o755);
    const executable = await recipeHash(recipe, '');
    expect(new Set([before, added, executable]).size).toBe(3);
  });

  it('changes with RECIPE_FORMAT (a new way of making images makes each once again)', async () => {
    const now = await recipeHash(recipe, '');
    const tree = await treeHash(
      [{ label: 'recipe', root: recipe }],
      [`format ${RECIPE_FORMAT}`, 'parent '],
    );
    const other = await treeHash(
      [{ label: 'recipe', root: recipe }],
      [`format ${RECIPE_FORMAT + 1}`, 'parent '],
    );
    expect(now).toBe(tree);
    expect(other).not.toBe(now);
  });
});

describe('parseBuildArgs: build-args.env from prepare-context.sh', () => {
  it('reads KEY=VALUE lines, skipping blank ones, keeping = and spaces in values', () => {
    expect(parseBuildArgs('NODE_VERSION=22.1.0\r\n\nNPM_VERSION=10.2.0\nX=a=b c\n', 'f')).toEqual({
      NODE_VERSION: '22.1.0',
      NPM_VERSION: '10.2.0',
      X: 'a=b c',
    });
  });

  it('names the file, the line and the fix for a line that is not KEY=VALUE', () => {
    expect(() => parseBuildArgs('A=1\nnot an assignment\n', 'ctx/build-args.env')).toThrow(
      'ctx/build-args.env line 2 is not KEY=VALUE: "not an assignment". Fix the prepare-context.sh that writes it.',
    );
  });
});

describe('prepareRecipeContext: the build context of a recipe', () => {
  let recipe: string;
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'recipe-context-'));
    recipe = join(tmp, 'tiny');
    await mkdir(join(recipe, 'sub'), { recursive: true });
    await writeFile(join(recipe, 'image.conf'), 'IMAGE=sagemaker-templates/tiny:1\n');
    await writeFile(join(recipe, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(recipe, 'sub', 'run.sh'), 'echo hi\n', { mode: 0o755 });
    await symlink('sub/run.sh', join(recipe, 'link'));
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it('copies the recipe with modes and symlinks, without image.conf; no build args', async () => {
    let dir: string;
    {
      await using context = await prepareRecipeContext(recipe, { TMPDIR: tmp });
      dir = context.dir;
      expect(dir.startsWith(join(tmp, 'sagemaker-templates-tiny.'))).toBe(true);
      expect((await readdir(dir)).sort()).toEqual(['Dockerfile', 'link', 'sub']);
      expect((await stat(join(dir, 'sub', 'run.sh'))).mode & 0o111).toBe(0o111);
      expect(await readlink(join(dir, 'link'))).toBe('sub/run.sh');
      expect(context.buildArgs).toEqual({});
    }
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });

  it('runs prepare-context.sh with the context folder and its environment, leaves it out, and reads its build-args.env', async () => {
    await writeFile(
      join(recipe, 'prepare-context.sh'),
      'echo "made for $TARGET_ARCH" > "$1/made.txt"; printf "A=1\\nB=two\\n" > "$1/build-args.env"\n',
    );
    const env = { TMPDIR: tmp, TARGET_ARCH: 'arm64' };
    await using context = await prepareRecipeContext(recipe, env);
    expect(await readFile(join(context.dir, 'made.txt'), 'utf8')).toBe('made for arm64\n');
    expect(await readdir(context.dir)).not.toContain('prepare-context.sh');
    expect(context.buildArgs).toEqual({ A: '1', B: 'two' });
  });

  it('a failing prepare-context.sh: an error naming the script, and no folder left behind', async () => {
    await writeFile(join(recipe, 'prepare-context.sh'), 'exit 3\n');
    await expect(prepareRecipeContext(recipe, { TMPDIR: tmp })).rejects.toThrow(
      /prepare-context\.sh failed \(exit code 3; its output is above\)/,
    );
    expect((await readdir(tmp)).sort()).toEqual(['tiny']);
  });
});
