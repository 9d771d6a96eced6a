import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MANIFEST, FIXTURES_DIR, fixtureImage } from './fixtures.ts';
import { buildFixture } from './test-support/build-fixture.ts';
import type { SuiteReport } from './report.ts';
import { checks } from './checks/index.ts';

const bin = join(import.meta.dirname, '../bin/sagemaker-conformance.js');

/** Runs the CLI as users do and returns its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('sagemaker-conformance CLI', () => {
  let reportDir: string;
  beforeAll(async () => {
    reportDir = await mkdtemp(join(tmpdir(), 'conformance-cli-'));
    for (const id of ['good', 'train.model.written']) await buildFixture(id);
  });
  afterAll(() => rm(reportDir, { recursive: true, force: true }));

  it('exits 0 on a conforming image and writes JSON and JUnit reports', async () => {
    const run = await cli([
      '--image',
      fixtureImage('good'),
      '--manifest',
      FIXTURE_MANIFEST,
      '--name',
      'good',
      '--report-dir',
      reportDir,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('CONFORMS  good');
    const report = JSON.parse(await readFile(join(reportDir, 'good.json'), 'utf8')) as SuiteReport;
    expect(report.ok).toBe(true);
    expect(report.results).toHaveLength(checks.length);
    expect(await readFile(join(reportDir, 'good.junit.xml'), 'utf8')).toMatch(
      new RegExp(`<testsuite name="good" tests="${checks.length}" failures="0"`),
    );
  });

  it('exits 1 when a must-level check fails, naming the check, the clause and the fix', async () => {
    const run = await cli([
      '--image',
      fixtureImage('train.model.written'),
      '--manifest',
      FIXTURE_MANIFEST,
      '--name',
      'broken',
      '--report-dir',
      reportDir,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}train\.model\.written \[T6, T17\] must {2}\/opt\/ml\/model holds no files after a successful run/,
    );
    expect(run.stdout).toContain('hint: Write the trained model under /opt/ml/model');
    expect(run.stdout).toContain('DOES NOT CONFORM');
  });

  it('exits 2 for bad arguments and for a bad manifest, saying what to fix', async () => {
    expect((await cli(['--image', 'x'])).stderr).toContain(
      'Both --image and --manifest are required.',
    );
    const bad = await cli([
      '--image',
      fixtureImage('good'),
      '--manifest',
      join(FIXTURES_DIR, 'Dockerfile'),
      '--report-dir',
      reportDir,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not valid JSON/);
  });

  it('exits 3 when the image does not exist', async () => {
    const run = await cli([
      '--image',
      'sagemaker-templates/does-not-exist:1',
      '--manifest',
      FIXTURE_MANIFEST,
      '--report-dir',
      reportDir,
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('does not exist on this Docker engine. Build it first');
  });

  it('lists every check', async () => {
    const run = await cli(['--list']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(checks.length);
  });
});
