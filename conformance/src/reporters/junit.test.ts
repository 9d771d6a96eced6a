import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '../report.ts';
import { summarize } from '../report.ts';
import { toJUnit } from './junit.ts';

const results: SuiteReport['results'] = [
  {
    id: 'serve.ping.ok',
    title: 't',
    clauses: 'I5',
    level: 'must',
    profile: 'serving',
    status: 'fail',
    message: 'GET /ping returned <503> & "x"\nlogs',
    hint: 'fix',
    durationMs: 1500,
  },
  {
    id: 'serve.bad-input.client-error',
    title: 't',
    clauses: 'S9',
    level: 'should',
    profile: 'serving',
    status: 'fail',
    message: 'answered 500',
    hint: 'h',
    durationMs: 1,
  },
  {
    id: 'train.metrics.regex',
    title: 't',
    clauses: 'T22',
    level: 'must',
    profile: 'training',
    status: 'skip',
    message: 'no metrics',
    durationMs: 0,
  },
  {
    id: 'train.invocation',
    title: 't',
    clauses: 'T1',
    level: 'must',
    profile: 'training',
    status: 'pass',
    message: 'ok\u0007',
    durationMs: 2,
  },
];
const report: SuiteReport = {
  suite: { name: 'sagemaker-conformance', version: '0.1.0' },
  name: 'node',
  image: 'sagemaker-templates/node:dev',
  imageId: 'sha256:abc',
  fuzz: { seed: 1, count: 200 },
  manifest: 'templates/node/template.json',
  startedAt: '2026-11-22T00:00:00.000Z',
  durationMs: 2000,
  results,
  summary: summarize(results),
  ok: false,
};

describe('toJUnit', () => {
  const xml = toJUnit([report]);

  it('counts only must-level failures as failures', () => {
    expect(report.summary).toEqual({
      passed: 1,
      failed: 2,
      skipped: 1,
      mustFailed: 1,
      shouldFailed: 1,
    });
    expect(xml).toContain(
      '<testsuite name="node" tests="4" failures="1" errors="0" skipped="1" time="2.000"',
    );
  });

  it('escapes XML and drops control characters', () => {
    expect(xml).toContain('message="GET /ping returned &lt;503&gt; &amp; &quot;x&quot;"');
    expect(xml).not.toContain('\u0007');
  });

  it('reports skips as skipped and should-level failures as warnings in system-out', () => {
    expect(xml).toContain('<skipped message="no metrics"/>');
    expect(xml).toContain('<system-out>WARNING (should): answered 500');
  });
});
