import { chmod, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.ts';
import { tempContext } from './test-support/temp-context.ts';

const files = {
  Dockerfile: 'FROM base\nCOPY code /opt/program\n',
  '.dockerignore': '*.log\n',
  'code/train': 'echo train\n',
  'notes.log': 'ignored',
};

describe('contentHash', () => {
  it('is 64 hex chars and stable across runs and copies of the same content', async () => {
    await using a = await tempContext(files);
    await using b = await tempContext(files);
    const hash = await contentHash(a.dir, ['base@sha256:1']);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await contentHash(a.dir, ['base@sha256:1'])).toBe(hash);
    expect(await contentHash(b.dir, ['base@sha256:1'])).toBe(hash);
  });

  it('changes when a file changes, is added or is renamed', async () => {
    await using ctx = await tempContext(files);
    const before = await contentHash(ctx.dir);
    await ctx.write('code/train', 'echo train v2\n');
    const edited = await contentHash(ctx.dir);
    expect(edited).not.toBe(before);
    await ctx.write('code/extra.py', '');
    const added = await contentHash(ctx.dir);
    expect(added).not.toBe(edited);
  });

  it('changes with the executable bit but not with other mode bits or mtime', async () => {
    await using ctx = await tempContext(files);
    const train = path.join(ctx.dir, 'code/train');
    const before = await contentHash(ctx.dir);
    await chmod(train, 0o600);
    await utimes(train, new Date('2001-01-01'), new Date('2001-01-01'));
    expect(await contentHash(ctx.dir)).toBe(before);
    await chmod(train, 0o755);
    expect(await contentHash(ctx.dir)).not.toBe(before);
  });

  it('does not change when an ignored file changes', async () => {
    await using ctx = await tempContext(files);
    const before = await contentHash(ctx.dir);
    await ctx.write('notes.log', 'something else');
    await ctx.write('more.log', 'new');
    expect(await contentHash(ctx.dir)).toBe(before);
  });

  it('changes with the extra strings, and their boundaries matter', async () => {
    await using ctx = await tempContext(files);
    expect(await contentHash(ctx.dir, ['a', 'b'])).not.toBe(await contentHash(ctx.dir, ['ab']));
    expect(await contentHash(ctx.dir, ['BASE_IMAGE=x'])).not.toBe(
      await contentHash(ctx.dir, ['BASE_IMAGE=y']),
    );
  });

  it('covers a Dockerfile that lives outside the context', async () => {
    await using ctx = await tempContext({
      'ctx/code/train': 'x',
      'Dockerfile.outside': 'FROM a\n',
    });
    const context = path.join(ctx.dir, 'ctx');
    const before = await contentHash(context, [], { dockerfile: '../Dockerfile.outside' });
    await ctx.write('Dockerfile.outside', 'FROM b\n');
    expect(await contentHash(context, [], { dockerfile: '../Dockerfile.outside' })).not.toBe(
      before,
    );
  });
});
