import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '@sagemaker-templates/engine';
import {
  startPushTestServers,
  type PushTestServers,
  removeImageReferences,
} from '@sagemaker-templates/registry/test-support';
import { makeTempWorkspace, nxTestEnv, type TempWorkspace } from './test-support/temp-workspace.ts';

// Two clones of the workspace, one registry (docker-registry, which has no referrers API, so the
// records live under the tag schema) and one ECR API (moto): a pass recorded by the first clone's
// push lets the second push, with an empty .cache/, skip the build and the suite, until it expires.
const docker = connectEngine();
let servers: PushTestServers;
let first: TempWorkspace;
let second: TempWorkspace;
let env: NodeJS.ProcessEnv;
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-templates/node:0.1.0';

const nx = (ws: TempWorkspace, ...args: string[]) =>
  ws.run('npx', ['--no-install', 'nx', ...args, '--outputStyle=static'], env);
const verify = (ws: TempWorkspace, ...args: string[]) =>
  ws.run(
    'npx',
    ['--no-install', 'sagemaker-conformance', 'verify', '--image', IMAGE, ...args],
    env,
  );

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

describe('pass records in the registry, shared by two clones', () => {
  beforeAll(async () => {
    servers = await startPushTestServers();
    [first, second] = await Promise.all([makeTempWorkspace(), makeTempWorkspace()]);
    env = {
      ...nxTestEnv,
      ...servers.env,
      SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE: 'true',
    };
  });
  afterAll(async () => {
    if (servers)
      await removeImageReferences(docker, [`${servers.registry.host}/*/*`]).catch(() => undefined);
    await Promise.all([first?.close(), second?.close()]);
    await servers?.close();
  });

  it('the first clone runs the suite, pushes, and records the pass next to the image', async () => {
    const { result, seconds } = await timed(() => nx(first, 'run', 'node:push'));
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('CONFORMS  node');
    expect(result.output).toMatch(
      /\[node:push\] recorded the pass in the registry: 127\.0\.0\.1:\d+\/sagemaker-templates\/node@sha256:[0-9a-f]{12} refers to sha256:[0-9a-f]{12} \(referrers tag schema\)/,
    );
    const tags = await servers.registry.tags('sagemaker-templates/node');
    expect(tags.filter((t) => t.startsWith('sha256-'))).toHaveLength(1);
    console.log(`first clone: build, suite and push in ${seconds.toFixed(1)} s`);
  });

  it('the second clone, with an empty .cache/, pushes without building or checking, naming whose record it used', async () => {
    const { result, seconds } = await timed(() => nx(second, 'run', 'node:push'));
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`[node:push] conformance: passed at `);
    expect(result.output).toContain(`(workspace ${first.root}) (pass record 127.0.0.1:`);
    expect(result.output).toContain('not built or checked again');
    expect(result.output).toContain('[node:push] up to date:');
    expect(result.output).not.toContain('CONFORMS');
    expect(result.output).not.toContain('[node:build]');
    console.log(`second clone: push with a registry record in ${seconds.toFixed(1)} s`);
  });

  it('verify: a current record without pulling the image; --max-age bounds it', async () => {
    const current = await verify(second);
    expect(current.code, current.output).toBe(0);
    expect(current.stdout).toMatch(/^CURRENT {2}.*node:0\.1\.0 \(sha256:/);
    expect(current.stdout).toContain(`(workspace ${first.root})`);
    expect(current.stdout).toMatch(/linux\/amd64: \d+ passed, \d+ skipped/);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stale = await verify(second, '--max-age', '1s');
    expect(stale.code, stale.output).toBe(1);
    expect(stale.stdout).toMatch(/^NOT CURRENT {2}.*older than 1s/);
    const missing = await second.run(
      'npx',
      ['--no-install', 'sagemaker-conformance', 'verify', '--image', `${IMAGE}-nope`],
      env,
    );
    expect(missing.code, missing.output).toBe(1);
    expect(missing.stdout).toContain('has no image under 0.1.0-nope');
    expect((await verify(second, '--max-age', 'soon')).code).toBe(2);
  });

  it('the conformance target relies on the record too, and says so in its report', async () => {
    const result = await nx(second, 'run', 'node:conformance');
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(
      /CONFORMS {2}node .*: the registry's image under this content tag passed at .* by .*; not run again/,
    );
    const report = JSON.parse(
      await readFile(join(second.root, 'reports/conformance/node.json'), 'utf8'),
    ) as { reusedPass?: { record?: string }; ok: boolean };
    expect(report.ok).toBe(true);
    expect(report.reusedPass?.record).toMatch(
      /^127\.0\.0\.1:\d+\/sagemaker-templates\/node@sha256:/,
    );
  });

  it('after the record expires the suite runs again, and the new pass is the one verify names', async () => {
    const { result, seconds } = await timed(() =>
      nx(second, 'run', 'node:push', '--pass-max-age=1s'),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/no current pass record in the registry \(.*older than 1s\)/);
    expect(result.output).toContain('CONFORMS  node');
    expect(result.output).toContain('[node:push] recorded the pass in the registry');
    const current = await verify(second);
    expect(current.code, current.output).toBe(0);
    expect(current.stdout).toContain(`(workspace ${second.root})`);
    console.log(
      `second clone: push after the record expired (suite ran) in ${seconds.toFixed(1)} s`,
    );
  });
});
