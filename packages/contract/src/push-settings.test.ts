import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.ts';

const minimal = {
  description: 'x',
  version: '1.0.0',
  capabilities: { train: true, serve: false },
  base: { upstream: 'node:22' },
  conformance: { training: { channels: { train: { source: 'fixtures/train' } } } },
};

describe('template.json push section', () => {
  it('is optional and defaults to scan on push, mutable tags, no latest, no lifecycle policy', () => {
    expect(parseManifest(minimal).push).toEqual({
      latest: false,
      scanOnPush: true,
      tagImmutability: false,
    });
  });

  it('keeps what is declared', () => {
    const push = {
      repository: 'team/algo',
      region: 'eu-west-1',
      account: '123456789012',
      latest: true,
      scanOnPush: false,
      tagImmutability: false,
      lifecyclePolicy: { expireUntaggedAfterDays: 7, keepLast: 20 },
    };
    expect(parseManifest({ ...minimal, push }).push).toEqual(push);
  });

  it('names the field of a wrong account, an unknown key and an empty lifecycle policy', () => {
    expect(() => parseManifest({ ...minimal, push: { account: '1234' } })).toThrow(
      /push\.account: must match pattern/,
    );
    expect(() => parseManifest({ ...minimal, push: { repo: 'x' } })).toThrow(
      /push: unknown field "repo"/,
    );
    expect(() => parseManifest({ ...minimal, push: { lifecyclePolicy: {} } })).toThrow(
      /push\.lifecyclePolicy/,
    );
  });
});
