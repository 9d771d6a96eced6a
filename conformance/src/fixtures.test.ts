import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checks } from './checks/index.ts';
import { FIXTURES, fixtureBuildArgs } from './fixture-table.ts';
import { brokenFixtureIds, FIXTURES_DIR } from './fixtures.ts';

describe('broken fixture images', () => {
  it('have a row in the table for every check, and only for checks', () => {
    expect(brokenFixtureIds()).toEqual(checks.map((c) => c.id).sort());
    const ids = FIXTURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('good');
  });

  it('name files that exist, and a Dockerfile of their own only for structural faults', () => {
    for (const row of FIXTURES) {
      if (row.dockerfile) expect(existsSync(join(FIXTURES_DIR, row.dockerfile)), row.id).toBe(true);
      if (row.manifest) expect(existsSync(join(FIXTURES_DIR, row.manifest)), row.id).toBe(true);
      expect(row.via === 'dockerfile', row.id).toBe(row.dockerfile !== undefined);
      expect(row.via === 'platform', row.id).toBe(row.platform !== undefined);
    }
  });

  it('switch on, in the fixture algorithm, exactly the fault the row names', () => {
    const source = ['main.js', 'validate.js', 'toolkit.js', 'mme.js']
      .map((f) => readFileSync(join(FIXTURES_DIR, 'algorithm', f), 'utf8'))
      .join('\n');
    for (const row of FIXTURES.filter((f) => f.via === 'fault' && f.id !== 'good')) {
      expect(fixtureBuildArgs(row).FAULT).toBe(row.id);
      expect(
        source.includes(`'${row.id}'`),
        `${row.id} is never tested in the fixture algorithm`,
      ).toBe(true);
    }
    expect(fixtureBuildArgs(FIXTURES.find((f) => f.id === 'good')!).FAULT).toBeUndefined();
  });

  it('check ids are unique, dotted and cite a contract clause', () => {
    const ids = checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of checks) {
      expect(check.id).toMatch(
        /^(image|train|toolkit|serve|serverless|async|batch|mme|robust)\.[a-z0-9-]+(\.[a-z0-9-]+)*$/,
      );
      expect(check.clauses).toMatch(/([TKIBMSLGR]\d+|§\d+\.\d+|^policy$)/);
      expect(check.hint.length).toBeGreaterThan(20);
    }
  });
});
