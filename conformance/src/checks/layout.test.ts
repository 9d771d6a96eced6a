import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../check.ts';
import { checks } from './index.ts';

// One check per file, found where its id says: `serve.payload.6mb` lives in serve/payload-6mb.ts.
// Everything else under checks/ is index.ts, a test, or a helper in support/. Each check's run() is
// unit-tested over the fake probes (test-support/fake-probes.ts) by a test in its folder.

const here = import.meta.dirname;

/** The folder is the id's first part; the file name is the rest, dots turned into dashes. */
const pathOf = (id: string): string => {
  const [area, ...rest] = id.split('.');
  return `${area}/${rest.join('-')}.ts`;
};

const isCheck = (value: unknown): value is Check =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Check).id === 'string' &&
  typeof (value as Check).run === 'function';

const files = (readdirSync(here, { recursive: true }) as string[])
  .map((file) => file.split('\\').join('/'))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'index.ts');

const exported = await Promise.all(
  files.map(async (file) => ({
    file,
    checks: Object.values((await import(join(here, file))) as Record<string, unknown>).filter(
      isCheck,
    ),
  })),
);

describe('checks/ layout', () => {
  it('derives a check file from its id', () => {
    expect(pathOf('serve.payload.6mb')).toBe('serve/payload-6mb.ts');
    expect(pathOf('train.gpu.simulated')).toBe('train/gpu-simulated.ts');
    expect(pathOf('mme.load')).toBe('mme/load.ts');
  });

  it('keeps each check of the registry in the file its id names', () => {
    const misplaced = checks
      .filter((check) => !exported.find((e) => e.file === pathOf(check.id))?.checks.includes(check))
      .map((check) => `${check.id} should be exported by checks/${pathOf(check.id)}`);
    expect(misplaced).toEqual([]);
  });

  it('has exactly one check in every file outside support/, named by the path, and none in support/', () => {
    const wrong = exported.flatMap(({ file, checks: found }) => {
      if (file.startsWith('support/'))
        return found.map((c) => `${file} is a helper but exports the check ${c.id}`);
      if (found.length !== 1) return [`${file} exports ${found.length} checks, expected 1`];
      const id = found[0]!.id;
      return pathOf(id) === file ? [] : [`${file} exports ${id}, which belongs in ${pathOf(id)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('registers every check file in checks/index.ts', () => {
    const unregistered = exported
      .flatMap((e) => e.checks)
      .filter((check) => !checks.includes(check))
      .map((check) => check.id);
    expect(unregistered).toEqual([]);
  });

  it('runs every check over the fake probes in a test beside it', () => {
    const tests = (readdirSync(here, { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.test.ts'),
    );
    const untested = checks.filter((check) => {
      const file = pathOf(check.id);
      return !tests.some((test) => {
        if (dirname(test) !== dirname(file)) return false;
        const text = readFileSync(join(here, test), 'utf8');
        return text.includes(`from './${basename(file)}'`) && text.includes('outcome(');
      });
    });
    expect(untested.map((c) => c.id)).toEqual([]);
  });
});
