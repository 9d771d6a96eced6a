import { describe, expect, it } from 'vitest';
import {
  describeRecorder,
  formatDuration,
  parseDuration,
  parsePassRecord,
  recordedHere,
  staleness,
  type PassRecord,
} from './pass-record.ts';
import { parseImageUri } from './image-uri.ts';

const record = (overrides: Partial<PassRecord> = {}): PassRecord => ({
  kind: 'sagemaker-templates/conformance-pass',
  template: 'node',
  contentTag: 'abc',
  suite: { version: '0.1.0', key: 'k1' },
  passedAt: '2026-12-01T00:00:00.000Z',
  recordedBy: { user: 'alice', host: 'build-7', workspace: '/src/repo' },
  reports: [],
  ...overrides,
});
const now = Date.parse('2026-12-03T00:00:00.000Z');
const day = 86_400_000;

describe('pass records', () => {
  it('durations: whole numbers with s, m, h or d, anything else refused naming where it came from', () => {
    expect(parseDuration('7d', '--pass-max-age')).toBe(7 * day);
    expect(parseDuration('12h', 'x')).toBe(12 * 3_600_000);
    expect(parseDuration('30m', 'x')).toBe(1_800_000);
    expect(parseDuration('90s', 'x')).toBe(90_000);
    for (const bad of ['7', '1 week', '-1d', '1.5h', 'd', ''])
      expect(() => parseDuration(bad, '--pass-max-age')).toThrow(/^--pass-max-age is /);
    expect([7 * day, 36 * 3_600_000, 90_000, 1_500].map(formatDuration)).toEqual([
      '7d',
      '36h',
      '90s',
      '2s',
    ]);
  });

  it('counts within its age, for the same suite key and version; says why otherwise', () => {
    const wanted = { suiteKey: 'k1', suiteVersion: '0.1.0', maxAgeMs: 7 * day, now };
    expect(staleness(record(), wanted)).toBeUndefined();
    expect(staleness(record(), { ...wanted, maxAgeMs: day })).toMatch(
      /passed 2026-12-01T00:00:00.000Z\) is older than 1d/,
    );
    expect(staleness(record(), { ...wanted, suiteKey: 'k2' })).toMatch(/suite key k1, here k2/);
    expect(staleness(record(), { ...wanted, suiteVersion: '0.2.0' })).toMatch(
      /for suite 0.1.0, not 0.2.0/,
    );
    // verify knows no template files: the version decides alone.
    expect(staleness(record(), { suiteVersion: '0.1.0', maxAgeMs: 7 * day, now })).toBeUndefined();
    expect(staleness(record({ passedAt: 'yesterday' }), wanted)).toMatch(/older than/);
  });

  it('refuses a blob that is not a record of this tool, naming where it is', () => {
    const where = 'r/x@sha256:1';
    expect(parsePassRecord(Buffer.from(JSON.stringify(record())), where)).toEqual(record());
    expect(() => parsePassRecord(Buffer.from('nope'), where)).toThrow(/r\/x@sha256:1: .*not JSON/);
    const foreign = { ...record(), kind: 'other' };
    expect(() => parsePassRecord(Buffer.from(JSON.stringify(foreign)), where)).toThrow(
      /not written by this tool.*--force/,
    );
  });

  it('says who recorded it: the CI run when there is one, else user, host and workspace', () => {
    const here = recordedHere({});
    expect(here.workspace).toBe(process.cwd());
    expect(here.ci).toBeUndefined();
    expect(describeRecorder(record().recordedBy)).toBe('alice@build-7 (workspace /src/repo)');
    const ci = recordedHere({
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'team/models',
      GITHUB_RUN_ID: '42',
    });
    expect(describeRecorder(ci)).toBe('https://github.com/team/models/actions/runs/42');
  });

  it('image URIs: registry, repository and tag or digest; a local name is refused', () => {
    const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    expect(parseImageUri(`${ecr}/sagemaker-templates/node:1.0.0`)).toEqual({
      registry: ecr,
      repository: 'sagemaker-templates/node',
      reference: '1.0.0',
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageUri(`127.0.0.1:5000/node@${digest}`).reference).toBe(digest);
    expect(parseImageUri('localhost/node').reference).toBe('latest');
    for (const bad of ['node:1.0.0', 'sagemaker-templates/node', `${ecr}/Node:1`, ''])
      expect(() => parseImageUri(bad)).toThrow(/give the image's registry URI/);
  });
});
