import { describe, expect, it } from 'vitest';
import { dockerfileInContext, dockerignoreFilter, listContextFiles } from './context-files.ts';
import { tempContext } from './test-support/temp-context.ts';

const paths = async (dir: string, dockerfile?: string): Promise<string[]> =>
  (await listContextFiles(dir, dockerfile ? { dockerfile } : {})).map(
    (entry) =>
      `${entry.type === 'directory' ? 'd' : entry.type === 'symlink' ? 'l' : 'f'} ${entry.path}`,
  );

describe('dockerignoreFilter', () => {
  it('follows Docker semantics, not gitignore ones', () => {
    const keep = dockerignoreFilter([
      '# comment',
      '*.log',
      'secret',
      '**/*.tmp',
      'build',
      '!build/keep.txt',
    ]);
    expect(keep('a.log')).toBe(false);
    expect(keep('sub/a.log')).toBe(true); // `*` does not cross folders
    expect(keep('secret')).toBe(false);
    expect(keep('sub/secret')).toBe(true); // anchored at the context root
    expect(keep('deep/er/x.tmp')).toBe(false);
    expect(keep('build/out.bin')).toBe(false);
    expect(keep('build/keep.txt')).toBe(true); // re-included below an excluded folder
  });
});

describe('listContextFiles', () => {
  it('lists files, folders and symlinks in a stable order without ignored ones', async () => {
    await using ctx = await tempContext({
      Dockerfile: 'FROM scratch',
      '.dockerignore': 'node_modules\n*.log\n',
      'code/train': { content: '#!/bin/sh', mode: 0o755 },
      'code/lib/util.py': 'x = 1',
      'code/link': { link: 'train' },
      'node_modules/pkg/index.js': 'ignored',
      'debug.log': 'ignored',
    });
    expect(await paths(ctx.dir)).toEqual([
      'f .dockerignore',
      'f Dockerfile',
      'd code',
      'd code/lib',
      'f code/lib/util.py',
      'l code/link',
      'f code/train',
    ]);
    const train = (await listContextFiles(ctx.dir)).find((entry) => entry.path === 'code/train');
    expect(train?.executable).toBe(true);
  });

  it('always sends the Dockerfile and .dockerignore, as the docker CLI does', async () => {
    await using ctx = await tempContext({
      'docker/app.Dockerfile': 'FROM scratch',
      '.dockerignore': '*\n!src\n',
      'src/a': 'a',
      other: 'o',
    });
    expect(await paths(ctx.dir, 'docker/app.Dockerfile')).toEqual([
      'f .dockerignore',
      'd docker',
      'f docker/app.Dockerfile',
      'd src',
      'f src/a',
    ]);
  });

  it('walks an excluded folder only to bring back what an exception names', async () => {
    await using ctx = await tempContext({
      '.dockerignore': 'data\n!data/keep\n',
      'data/keep': 'k',
      'data/drop': 'd',
      'data/sub/drop': 'd',
    });
    expect(await paths(ctx.dir)).toEqual(['f .dockerignore', 'd data', 'f data/keep']);
  });

  it('names a missing context clearly', async () => {
    await expect(listContextFiles('/nonexistent/context')).rejects.toThrow(
      'Build context /nonexistent/context is not a folder',
    );
  });
});

describe('dockerfileInContext', () => {
  it('answers the in-context path, or undefined outside', () => {
    expect(dockerfileInContext('/ctx', 'Dockerfile')).toBe('Dockerfile');
    expect(dockerfileInContext('/ctx', '/ctx/docker/Dockerfile')).toBe('docker/Dockerfile');
    expect(dockerfileInContext('/ctx', '../Dockerfile')).toBeUndefined();
    expect(dockerfileInContext('/ctx', '/elsewhere/Dockerfile')).toBeUndefined();
  });
});
