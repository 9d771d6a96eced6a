import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { appendFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '@sagemaker-templates/engine';
import { DistributionClient } from '@sagemaker-templates/registry';
import {
  startPushTestServers,
  TEST_SECRET_ACCESS_KEY,
  TEST_SESSION_TOKEN,
  type PushTestServers,
  removeImageReferences,
} from '@sagemaker-templates/registry/test-support';
import { makeTempWorkspace, type TempWorkspace } from './test-support/temp-workspace.ts';

const docker = connectEngine();
let servers: PushTestServers;
let ws: TempWorkspace;
let env: NodeJS.ProcessEnv;
const NEW_TEMPLATES = ['gen-algo', 'copy-algo'];

const nx = (...args: string[]) => ws.run('npx', ['--no-install', 'nx', ...args], env);

/** Projects `nx affected -t push` would run, from `nx show projects`. */
async function affectedPushProjects(): Promise<string[]> {
  const result = await nx(
    'show',
    'projects',
    '--affected',
    '--base=HEAD~1',
    '--head=HEAD',
    '-t',
    'push',
    '--json',
  );
  expect(result.code, result.output).toBe(0);
  return (JSON.parse(result.stdout) as string[]).sort();
}

async function ecrRepositories(): Promise<string[]> {
  // Explicit credentials: the default chain would end at the instance metadata endpoint.
  const client = new ECRClient({
    endpoint: servers.moto.endpoint,
    region: servers.region,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test' },
  });
  try {
    const out = await client.send(new DescribeRepositoriesCommand({}));
    return (out.repositories ?? []).map((r) => r.repositoryName ?? '').sort();
  } finally {
    client.destroy();
  }
}

function expectNoSecrets(output: string): void {
  for (const secret of [
    TEST_SECRET_ACCESS_KEY,
    TEST_SESSION_TOKEN,
    servers.moto.registryPassword,
    Buffer.from(`AWS:${servers.moto.registryPassword}`).toString('base64'),
  ]) {
    expect(output).not.toContain(secret);
  }
}

async function removeImages(): Promise<void> {
  const references = [
    `${servers.registry.host}/*/*`,
    ...NEW_TEMPLATES.map((name) => `sagemaker-templates/${name}`),
  ];
  await removeImageReferences(docker, references);
}

describe('nx affected -t push in a temporary git repository', () => {
  beforeAll(async () => {
    servers = await startPushTestServers();
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    ws = await makeTempWorkspace({ templates: ['node'] });
    env = {
      ...process.env,
      ...servers.env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      FORCE_COLOR: '0',
      SAGEMAKER_TEMPLATES_BASE: 'offline',
      SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE: 'true',
    };
  });
  afterAll(async () => {
    if (servers) await removeImages().catch(() => undefined);
    await ws?.close();
    await servers?.close();
  });

  it('the generator and a plain folder copy each give a project with a push target, no edit needed', async () => {
    const generated = await nx(
      'g',
      '@sagemaker-templates/nx-plugin:template',
      'gen-algo',
      '--from',
      'node',
      '--no-interactive',
    );
    expect(generated.code, generated.output).toBe(0);
    expect(generated.stdout).toContain('CREATE templates/gen-algo/template.json');
    await cp(join(ws.root, 'templates/node'), join(ws.root, 'templates/copy-algo'), {
      recursive: true,
    });
    const projects = await nx('show', 'projects', '--with-target', 'push', '--json');
    expect((JSON.parse(projects.stdout) as string[]).sort()).toEqual([
      'copy-algo',
      'gen-algo',
      'node',
    ]);
    await ws.commit('two new templates');
  });

  it('a change in one template builds, checks and pushes only that template', async () => {
    await appendFile(
      join(ws.root, 'templates/gen-algo/src/paths.ts'),
      `\n/** Marks this build of the e2e test. */\nexport const E2E_EDITION = '${process.pid}';\n`,
    );
    await ws.commit('gen-algo: code change');
    expect(await affectedPushProjects()).toEqual(['gen-algo']);

    const result = await nx(
      'affected',
      '-t',
      'push',
      '--base=HEAD~1',
      '--head=HEAD',
      '--parallel=1',
      '--outputStyle=static',
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(
      /\[gen-algo:build\] built sagemaker-templates\/gen-algo:[0-9a-f]{16}/,
    );
    expect(result.output).toContain('CONFORMS  gen-algo');
    expect(result.output).toMatch(
      /\[gen-algo:push\] pushed 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sagemaker-templates\/gen-algo:[0-9a-f]{16} .* via 127\.0\.0\.1:\d+: \d+ layers uploaded/,
    );
    expect(result.output).not.toMatch(/\[(node|copy-algo):(build|push)\]/);
    expectNoSecrets(result.output);

    expect(await servers.registry.catalog()).toEqual(['sagemaker-templates/gen-algo']);
    const allTags = await servers.registry.tags('sagemaker-templates/gen-algo');
    // The pass record's index (this registry has no referrers API) is the one other tag.
    expect(allTags.filter((t) => /^sha256-[0-9a-f]{64}$/.test(t))).toHaveLength(1);
    const tags = allTags.filter((t) => !t.startsWith('sha256-'));
    expect(tags).toHaveLength(2);
    expect(tags).toContain('0.1.0');
    const contentTag = tags.find((t) => t !== '0.1.0') ?? '';
    const client = new DistributionClient({
      registry: servers.registry.host,
      auth: { username: 'AWS', password: servers.moto.registryPassword },
    });
    expect((await client.headManifest('sagemaker-templates/gen-algo', '0.1.0'))?.digest).toBe(
      (await client.headManifest('sagemaker-templates/gen-algo', contentTag))?.digest,
    );
    expect(await ecrRepositories()).toEqual(['sagemaker-templates/gen-algo']);
  });

  it('a change in a shared package makes every template affected; each is pushed or found up to date', async () => {
    await appendFile(
      join(ws.root, 'packages/engine/src/labels.ts'),
      '\n// A change to a shared package (e2e test).\n',
    );
    await ws.commit('engine: comment');
    expect(await affectedPushProjects()).toEqual(['copy-algo', 'gen-algo', 'node']);

    const result = await nx(
      'affected',
      '-t',
      'push',
      '--base=HEAD~1',
      '--head=HEAD',
      '--parallel=1',
      '--outputStyle=static',
    );
    expect(result.code, result.output).toBe(0);
    // gen-algo is in the registry with the pass record its push left: not built or checked again.
    expect(result.output).toMatch(
      /\[gen-algo:push\] conformance: passed at .* \(pass record 127\.0\.0\.1:\d+\/sagemaker-templates\/gen-algo@sha256:[0-9a-f]{12}\); not built or checked again/,
    );
    expect(result.output).toMatch(
      /\[gen-algo:push\] up to date: .*sagemaker-templates\/gen-algo:[0-9a-f]{16} .* is already in ECR/,
    );
    for (const name of ['node', 'copy-algo']) {
      expect(result.output).toContain(`CONFORMS  ${name}`);
      expect(result.output).toMatch(
        new RegExp(`\\[${name}:push\\] pushed .*sagemaker-templates/${name}:[0-9a-f]{16}`),
      );
    }
    expectNoSecrets(result.output);
    expect(await servers.registry.catalog()).toEqual([
      'sagemaker-templates/copy-algo',
      'sagemaker-templates/gen-algo',
      'sagemaker-templates/node',
    ]);
    expect(await ecrRepositories()).toEqual([
      'sagemaker-templates/copy-algo',
      'sagemaker-templates/gen-algo',
      'sagemaker-templates/node',
    ]);
  });

  it('with nothing changed, push is up to date without running the suite', async () => {
    const started = performance.now();
    const result = await nx('run', 'node:push', '--outputStyle=static');
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('[node:push] conformance: passed at ');
    expect(result.output).toContain('[node:push] up to date:');
    expect(result.output).not.toContain('CONFORMS');
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});
