import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeBaseImage } from './make-base-image.ts';

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
