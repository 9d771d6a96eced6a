import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withMachineLock } from './machine-lock.ts';

describe('withMachineLock', () => {
  let dir: string;
  let lock: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'machine-lock-'));
    lock = join(dir, 'sub', 'base-images.lock');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('holds the lock (pid and host) while the work runs, and lets go after, even on failure', async () => {
    const seen = await withMachineLock(lock, () => readFile(lock, 'utf8'));
    expect(seen).toBe(`${process.pid} ${hostname()}`);
    await expect(readFile(lock)).rejects.toThrow(/ENOENT/);
    await expect(withMachineLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(readFile(lock)).rejects.toThrow(/ENOENT/);
  });

  it('runs one work at a time: the second waits, saying who holds the lock', async () => {
    const order: string[] = [];
    const waits: string[] = [];
    const work = (name: string) => async () => {
      order.push(`${name} start`);
      await new Promise((done) => setTimeout(done, 50));
      order.push(`${name} end`);
    };
    await Promise.all([
      withMachineLock(lock, work('a')),
      new Promise((done) => setTimeout(done, 10)).then(() =>
        withMachineLock(lock, work('b'), (holder) => waits.push(holder)),
      ),
    ]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(waits).toEqual([`${process.pid} ${hostname()}`]);
  });

  it('takes over a lock whose process is gone', async () => {
    await withMachineLock(join(dir, 'x.lock'), async () => undefined);
    await writeFile(join(dir, 'stale.lock'), `2147483646 ${hostname()}`);
    const waits: string[] = [];
    expect(
      await withMachineLock(
        join(dir, 'stale.lock'),
        async () => 'ran',
        (h) => waits.push(h),
      ),
    ).toBe('ran');
    expect(waits).toEqual([]);
  });
});
