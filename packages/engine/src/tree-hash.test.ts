import { chmod, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { treeHash } from './tree-hash.ts';

let dir: string;
const roots = () => [{ label: 'a', root: join(dir, 'a') }];

describe('treeHash', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tree-hash-'));
    await mkdir(join(dir, 'a', 'sub'), { recursive: true });
    await writeFile(join(dir, 'a', 'sub', 'x.ts'), 'export const x = 1;\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('changes with content, paths, the executable bit, root labels and extras; not with mtime', async () => {
    const first = await treeHash(roots());
    await utimes(join(dir, 'a', 'sub', 'x.ts'), new Date(0), new Date(0));
    expect(await treeHash(roots())).toBe(first);
    expect(await treeHash([{ label: 'b', root: join(dir, 'a') }])).not.toBe(first);
    expect(await treeHash(roots(), ['v2'])).not.toBe(first);
    await chmod(join(dir, 'a', 'sub', 'x.ts'), 0o755);
    const executable = await treeHash(roots());
    expect(executable).not.toBe(first);
    await writeFile(join(dir, 'a', 'sub', 'x.ts'), 'export const x = 2;\n');
    expect(await treeHash(roots())).not.toBe(executable);
  });

  it('leaves out skipped files and installed packages', async () => {
    const first = await treeHash(roots(), [], { skipFile: (p) => p.endsWith('.test.ts') });
    await writeFile(join(dir, 'a', 'sub', 'x.test.ts'), 'test');
    await mkdir(join(dir, 'a', 'node_modules'));
    await writeFile(join(dir, 'a', 'node_modules', 'y.js'), '');
    expect(await treeHash(roots(), [], { skipFile: (p) => p.endsWith('.test.ts') })).toBe(first);
    expect(await treeHash(roots())).not.toBe(first);
  });
});
