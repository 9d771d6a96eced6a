import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  connectEngine,
  describeEngine,
  engineGpuCount,
  hostGpuCount,
  SESSION_LABEL,
  sessionId,
  sweepLeftovers,
  type Engine,
} from '@sagemaker-templates/engine';
import { fixtureManifest } from './fixtures.ts';
import { runSuite } from './runner.ts';
import { buildFixture } from './test-support/build-fixture.ts';
import { startTcpEngineProxy, type TcpEngineProxy } from './test-support/tcp-engine-proxy.ts';
import { startSshEngineProxy } from './test-support/ssh-engine-proxy.ts';
import { startTlsEngineProxy } from './test-support/tls-engine-proxy.ts';

// A "remote" engine: the local one behind tcp://127.0.0.1:<port>. The suite cannot tell it shares
// this file system, so every /opt/ml folder must travel in volumes, never as a bind mount.
const local = connectEngine({ socketPath: '/var/run/docker.sock' });
// Every way a host path reaches a container: the /opt/ml tree (read-only channels and model too),
// a writable /opt/ml/code (toolkit), a single file (the fake nvidia-smi), multi-model staging.
const CHECKS = [
  'train.exit.success',
  'train.model.written',
  'train.failure.file',
  'train.channels.read-only',
  'train.network-isolation',
  'train.gpu.simulated',
  'toolkit.program.code-dir',
  'serve.ping.ok',
  'serve.invocations.content-types',
  'mme.load',
];
let proxy: TcpEngineProxy;
let image: string;

beforeAll(async () => {
  image = await buildFixture('good', local);
  proxy = await startTcpEngineProxy();
});
afterAll(async () => {
  await proxy?.close();
  await sweepLeftovers(local, { session: sessionId });
});

/** Inspects every container this session creates or starts, until `stop()`. */
async function watchContainers(docker: Engine) {
  const seen = new Map<string, { mounts: string[]; binds: string[] }>();
  const events = (await docker.getEvents({
    filters: JSON.stringify({
      type: ['container'],
      event: ['create', 'start'],
      label: [`${SESSION_LABEL}=${sessionId}`],
    }),
  })) as unknown as Readable;
  const inspections: Promise<void>[] = [];
  events.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      const { id } = JSON.parse(line) as { id: string };
      const inspection = docker
        .getContainer(id)
        .inspect()
        .then(
          (info) =>
            void seen.set(id, {
              mounts: (info.Mounts ?? []).map((m) => `${m.Type}:${m.Destination}`),
              binds: info.HostConfig.Binds ?? [],
            }),
          () => undefined, // a loader container may be gone already: it never starts
        );
      inspections.push(inspection);
    }
  });
  return {
    seen,
    stop: async () => {
      events.destroy();
      await Promise.all(inspections);
    },
  };
}

/** A client as connectEngine() makes it under `env` (undefined: unset), leaving the environment as it was. */
function engineWith(env: Record<string, string | undefined>): Engine {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  };
  apply(env);
  try {
    return connectEngine();
  } finally {
    apply(previous);
  }
}

const engineAt = (dockerHost: string): Engine =>
  engineWith({ DOCKER_HOST: dockerHost, DOCKER_CONTEXT: undefined });

/** The default bridge's gateway: an address of this host that is not loopback, nor reachable from others. */
async function bridgeGateway(): Promise<string | undefined> {
  const bridge = await local
    .getNetwork('bridge')
    .inspect()
    .catch(() => undefined);
  const config = (bridge as { IPAM?: { Config?: { Gateway?: string }[] } } | undefined)?.IPAM;
  return config?.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'))?.Gateway;
}

it('runs training and serving checks on a tcp engine with every folder in volumes', async () => {
  const docker = engineAt(proxy.dockerHost);

  const watch = await watchContainers(local);
  const report = await runSuite({
    image,
    manifestPath: fixtureManifest('good'),
    only: CHECKS,
    docker,
    fuzzCount: 5,
  });
  await watch.stop();

  const results = report.results.filter((r) => CHECKS.includes(r.id));
  expect(results.map((r) => [r.id, r.status, r.status === 'pass' ? '' : r.message])).toEqual(
    CHECKS.map((id) => [id, 'pass', '']),
  );
  const containers = [...watch.seen.values()];
  expect(containers.length).toBeGreaterThanOrEqual(3);
  expect(containers.flatMap((c) => c.binds)).toEqual([]);
  expect(containers.flatMap((c) => c.mounts).filter((m) => !m.startsWith('volume:'))).toEqual([]);
  expect(containers.flatMap((c) => c.mounts)).toContain('volume:/opt/ml/model');
  // This engine's GPUs are this host's; asked from a container there, as for any remote engine.
  expect(await engineGpuCount(docker, image)).toBe(await hostGpuCount());
  expect(report.engine).toMatchObject({
    address: `http://127.0.0.1:${proxy.port}`,
    remote: true,
    files: 'copied',
  });
});

it('reaches a server published on a non-loopback engine host at that host, and skips isolation', async (t) => {
  const gateway = await bridgeGateway();
  if (!gateway) return t.skip('the engine has no IPv4 bridge gateway to listen on');
  await using remote = await startTcpEngineProxy({ host: gateway });
  const report = await runSuite({
    image,
    manifestPath: fixtureManifest('good'),
    only: ['serve.ping.ok', 'serve.network-isolation'],
    docker: engineAt(remote.dockerHost),
    fuzzCount: 5,
  });
  const outcome = (id: string) => report.results.find((r) => r.id === id);
  expect(outcome('serve.ping.ok')).toMatchObject({ status: 'pass' });
  expect(outcome('serve.network-isolation')).toMatchObject({
    status: 'skip',
    message: expect.stringMatching(/reachable only from that engine's host/) as unknown,
  });
  expect(report.engine).toMatchObject({
    address: `http://${gateway}:${remote.port}`,
    remote: true,
  });
});

it('reaches a TLS engine with client certificates by DOCKER_HOST and by a docker context', async () => {
  await using tls = await startTlsEngineProxy();
  const address = `https://127.0.0.1:${tls.port}`;
  const plain = engineWith({ DOCKER_HOST: tls.dockerHost, DOCKER_TLS_VERIFY: undefined });
  await expect(describeEngine(plain)).rejects.toThrow(/No Docker engine answers/);
  const byHost = engineWith({
    DOCKER_HOST: tls.dockerHost,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: tls.certDir,
  });
  expect(await describeEngine(byHost)).toMatchObject({ address, remote: true, files: 'copied' });

  // The context as `docker context create remote-tls --docker host=...,ca=...,cert=...,key=...` stores it.
  const config = await mkdtemp(join(tmpdir(), 'docker-config-'));
  try {
    const id = createHash('sha256').update('remote-tls').digest('hex');
    await mkdir(join(config, 'contexts', 'meta', id), { recursive: true });
    const endpoint = { Host: tls.dockerHost, SkipTLSVerify: false };
    const meta = { Name: 'remote-tls', Metadata: {}, Endpoints: { docker: endpoint } };
    await writeFile(join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify(meta));
    const tlsDir = join(config, 'contexts', 'tls', id, 'docker');
    await mkdir(tlsDir, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem'])
      await cp(join(tls.certDir, file), join(tlsDir, file));
    const byContext = engineWith({
      DOCKER_HOST: undefined,
      DOCKER_CONTEXT: 'remote-tls',
      DOCKER_CONFIG: config,
    });
    const report = await runSuite({
      image,
      manifestPath: fixtureManifest('good'),
      only: ['train.model.written', 'serve.ping.ok'],
      docker: byContext,
      fuzzCount: 5,
    });
    expect(report.engine).toMatchObject({ address, remote: true, files: 'copied' });
    const selected = report.results.filter((r) => !/not selected/.test(r.message));
    expect(selected.map((r) => `${r.id} ${r.status}`).sort()).toEqual([
      'serve.ping.ok pass',
      'train.model.written pass',
    ]);
  } finally {
    await rm(config, { recursive: true, force: true });
  }
});

it('reaches an engine over ssh (docker system dial-stdio) and runs training and serving there', async () => {
  await using ssh = await startSshEngineProxy();
  const docker = engineWith({ DOCKER_HOST: ssh.dockerHost, SSH_AUTH_SOCK: undefined });
  const report = await runSuite({
    image,
    manifestPath: fixtureManifest('good'),
    only: ['train.model.written', 'serve.ping.ok', 'serve.sigterm'],
    docker,
    fuzzCount: 5,
  });
  expect(report.engine).toMatchObject({
    address: expect.stringMatching(/^ssh:\/\/127\.0\.0\.1:/) as unknown,
    remote: true,
    files: 'copied',
  });
  const selected = report.results.filter((r) => !/not selected/.test(r.message));
  expect(selected.map((r) => `${r.id} ${r.status}`).sort()).toEqual([
    'serve.ping.ok pass',
    'serve.sigterm pass',
    'train.model.written pass',
  ]);
});
