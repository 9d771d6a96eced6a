import { describe, expect, it } from 'vitest';
import { checks } from './checks/index.ts';
import { brokenFixtureIds } from './fixtures.ts';

describe('broken fixture images', () => {
  it('exist for every check, and only for checks', () => {
    expect(brokenFixtureIds()).toEqual(checks.map((c) => c.id).sort());
  });

  it('check ids are unique, dotted and cite a contract clause', () => {
    const ids = checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of checks) {
      expect(check.id).toMatch(
        /^(image|train|toolkit|serve|batch|mme)\.[a-z0-9-]+(\.[a-z0-9-]+)*$/,
      );
      expect(check.source).toMatch(/([TKIBMSLG]\d+|§\d+\.\d+|^policy$)/);
      expect(check.hint.length).toBeGreaterThan(20);
    }
  });
});
