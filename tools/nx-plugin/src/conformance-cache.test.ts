import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConformanceCache, suiteKey, suiteSources } from './conformance-cache.ts';

let dir: string;

describe('conformance cache', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-cache-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds a pass only for the same image and suite key', async () => {
    const cache = new ConformanceCache(join(dir, 'cache'));
    expect(await cache.find('sha256:a', 'k1')).toBeUndefined();
    await cache.record({ name: 'node', imageId: 'sha256:a', suiteKey: 'k1' });
    expect(await cache.find('sha256:a', 'k1')).toMatchObject({
      name: 'node',
      imageId: 'sha256:a',
      suiteKey: 'k1',
    });
    expect(await cache.find('sha256:a', 'k2')).toBeUndefined();
    expect(await cache.find('sha256:b', 'k1')).toBeUndefined();
  });

  it('keys on the template files outside the image (fixtures, template.json) but not on docs or build outputs', async () => {
    const root = join(dir, 'templates', 'algo');
    await import('node:fs/promises').then((fs) =>
      fs.mkdir(join(root, 'fixtures'), { recursive: true }),
    );
    await writeFile(join(root, 'template.json'), '{}');
    await writeFile(join(root, 'fixtures', 'train.csv'), '1,2\n');
    const first = await suiteKey(root);
    await writeFile(join(root, 'README.md'), 'docs');
    await import('node:fs/promises').then((fs) =>
      fs.mkdir(join(root, 'node_modules'), { recursive: true }),
    );
    await writeFile(join(root, 'node_modules', 'x.js'), '');
    expect(await suiteKey(root)).toBe(first);
    await writeFile(join(root, 'fixtures', 'train.csv'), '1,3\n');
    expect(await suiteKey(root)).not.toBe(first);
  });

  it("keys on the code of every package the suite uses, so a change to the contract's limits makes a pass stale", async () => {
    const sources = await suiteSources();
    expect(sources.map((s) => s.label)).toEqual(
      expect.arrayContaining([
        '@sagemaker-templates/conformance',
        '@sagemaker-templates/contract',
        '@sagemaker-templates/engine',
      ]),
    );
    const root = join(dir, 'templates', 'algo');
    await import('node:fs/promises').then((fs) => fs.mkdir(root, { recursive: true }));
    await writeFile(join(root, 'template.json'), '{}');
    // The real sources, with the contract's copied where this test may change it.
    const contract = sources.find((s) => s.label === '@sagemaker-templates/contract')!;
    const copy = join(dir, 'contract-src');
    await cp(contract.root, copy, { recursive: true });
    const withCopy = sources.map((s) => (s === contract ? { ...s, root: copy } : s));
    const before = await suiteKey(root, withCopy);
    expect(before).toBe(await suiteKey(root));
    await writeFile(join(copy, 'constants.test.ts'), '// a new test changes no verdict');
    expect(await suiteKey(root, withCopy)).toBe(before);
    const constants = join(copy, 'constants.ts');
    const text = await readFile(constants, 'utf8');
    expect(text).toContain('invocationsTimeoutMs: 60_000');
    await writeFile(
      constants,
      text.replace('invocationsTimeoutMs: 60_000', 'invocationsTimeoutMs: 90_000'),
    );
    expect(await suiteKey(root, withCopy)).not.toBe(before);
  });
});
