import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerExitedError } from './container-exited-error.ts';
import { createNetwork } from './create-network.ts';
import { containersLabelled } from './list-containers.ts';
import { SESSION_LABEL, sessionId } from './labels.ts';
import { ServingRun } from './serving-run.ts';
import { TrainingRun } from './training-run.ts';
import { buildTinyAlgorithm, fixturesDir } from './test-support/build-tiny-algorithm.ts';
import {
  openEngineTestSession,
  type EngineTestSession,
} from './test-support/engine-test-session.ts';

// TrainingRun and ServingRun are what the conformance probes and `nx run <t>:train|serve` share:
// these tests pin down the SageMaker-like setup both rely on.
let session: EngineTestSession;
let image: string;
const training = {
  training: { source: path.join(fixturesDir, 'training'), contentType: 'text/csv' },
};
beforeAll(async () => {
  session = await openEngineTestSession();
  image = await buildTinyAlgorithm(session);
});
afterAll(async () => {
  await session?.close();
  expect(await containersLabelled(session.docker, `${SESSION_LABEL}=${sessionId}`)).toEqual([]);
});

const gone = (file: string) =>
  stat(file).then(
    () => false,
    () => true,
  );

describe('TrainingRun', () => {
  it('runs `train` as SageMaker does and collects what the job left', async () => {
    const run = await TrainingRun.start(session.docker, {
      image,
      hyperparameters: { epochs: '3' },
      channels: training,
      jobName: 'engine-test-job',
    });
    const result = await run.finish(60_000);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, failure: undefined });
    expect(result.logs).toBe('training for 3 epochs as 0\n');
    expect(result.modelFiles).toEqual([
      { path: 'data/all.csv', size: 8 },
      { path: 'hyperparameters.json', size: 14 },
    ]);
    expect(await readFile(path.join(run.tree.outputDataDir, 'summary.txt'), 'utf8')).toBe(
      'done on algo-1 as job engine-test-job\n',
    );
    const config = (name: string) =>
      readFile(path.join(run.tree.configDir, `${name}.json`), 'utf8').then(JSON.parse);
    expect(await config('resourceconfig')).toMatchObject({
      current_host: 'algo-1',
      hosts: ['algo-1'],
    });
    expect(await config('inputdataconfig')).toMatchObject({
      training: { TrainingInputMode: 'File', ContentType: 'text/csv' },
    });
    await run.dispose();
    expect(await gone(run.tree.root)).toBe(true);
    expect(await containersLabelled(session.docker, `${SESSION_LABEL}=${sessionId}`)).toEqual([]);
  });

  it('reads the failure file of a failed job and keeps the tree when asked', async () => {
    const parentDir = await mkdtemp(path.join(tmpdir(), 'engine-runs-'));
    try {
      const run = await TrainingRun.start(session.docker, {
        image,
        hyperparameters: { epochs: '0' },
        channels: training,
        parentDir,
        keepTree: true,
      });
      const result = await run.finish(60_000);
      expect(result).toMatchObject({ exitCode: 2, failure: 'epochs must be at least 1, got 0\n' });
      expect(result.modelFiles).toEqual([]);
      await run.dispose();
      expect(await gone(run.tree.failurePath)).toBe(false);
    } finally {
      await rm(parentDir, { recursive: true, force: true });
    }
  });

  it('sizes the container as an instance: its memory, no swap; a job over it is OOM-killed, with its peak', async () => {
    const limit = 128 * 2 ** 20;
    await using run = await TrainingRun.start(session.docker, {
      image,
      hyperparameters: { epochs: 'hog' },
      channels: training,
      resources: { name: 'ml.test.tiny', vcpus: 1, memoryBytes: limit },
    });
    const result = await run.finish(60_000);
    expect(result.oomKilled, result.logs).toBe(true);
    expect(result.exitCode).toBe(137);
    expect(result.peakMemoryBytes).toBeGreaterThan(25e6);
    expect(result.peakMemoryBytes).toBeLessThanOrEqual(limit);
    const config = JSON.parse(
      await readFile(path.join(run.tree.configDir, 'resourceconfig.json'), 'utf8'),
    );
    expect(config.current_instance_type).toBe('ml.test.tiny');
    const info = await run.container.inspect();
    expect(info.HostConfig).toMatchObject({ Memory: limit, MemorySwap: limit, NanoCpus: 1e9 });
  });

  it('puts every host of a cluster on one network under its own name', async () => {
    await using network = await createNetwork(session.docker);
    const hosts = ['algo-1', 'algo-2'];
    const runs = await Promise.all(
      hosts.map((host) =>
        TrainingRun.start(session.docker, {
          image,
          hyperparameters: { epochs: '1' },
          channels: training,
          host,
          cluster: { network: network.name, hosts },
        }),
      ),
    );
    for (const [i, run] of runs.entries()) {
      await using _ = run;
      const info = await run.container.inspect();
      expect(info.Config.Hostname).toBe(hosts[i]);
      expect(info.NetworkSettings.Networks[network.name]?.Aliases).toContain(hosts[i]);
      expect((await run.finish(60_000)).exitCode).toBe(0);
      const resource = JSON.parse(
        await readFile(path.join(run.tree.configDir, 'resourceconfig.json'), 'utf8'),
      );
      expect(resource).toMatchObject({ current_host: hosts[i], hosts });
    }
  });

  it('runs an isolated job alone on an internal network that goes with it', async () => {
    const run = await TrainingRun.start(session.docker, {
      image,
      hyperparameters: { epochs: '1' },
      channels: training,
      isolated: true,
    });
    const networks = Object.keys((await run.container.inspect()).NetworkSettings.Networks);
    expect(networks).toHaveLength(1);
    const internal = await session.docker.getNetwork(networks[0]!).inspect();
    expect(internal.Internal).toBe(true);
    expect((await run.finish(60_000)).exitCode).toBe(0);
    await run.dispose();
    await expect(session.docker.getNetwork(networks[0]!).inspect()).rejects.toThrow(
      /404|not found/i,
    );
  });
});

describe('ServingRun', () => {
  it('serves a read-only model on a published loopback port and waits for /ping', async () => {
    const model = path.join(fixturesDir, 'training');
    const run = await ServingRun.start(session.docker, {
      image,
      model,
      env: { START_DELAY: '0.3' },
    });
    const ready = await run.waitUntilHealthy(30_000);
    expect(ready.answer).toMatchObject({ status: 200, body: 'pong' });
    expect(ready.readyAfterMs).toBeGreaterThan(200);
    expect(run.url('/ping')).toBe(`http://127.0.0.1:${run.container.hostPort}/ping`);
    expect((await run.request('/missing')).status).toBe(404);
    const mounts = (await run.container.inspect()).Mounts;
    expect(mounts).toEqual([expect.objectContaining({ Destination: '/opt/ml/model', RW: false })]);
    expect(await readFile(path.join(run.tree.modelDir, 'a.csv'), 'utf8')).toBe('1,2\n');
    await run.dispose();
    expect(await gone(run.tree.root)).toBe(true);
  });

  it('publishes on the host port asked for', async () => {
    const port = await freePort();
    await using run = await ServingRun.start(session.docker, { image, hostPort: port });
    expect(run.container.hostPort).toBe(port);
    expect((await run.waitUntilHealthy(30_000)).answer?.status).toBe(200);
  });

  it('reaches an isolated server at its address on an internal network', async () => {
    await using run = await ServingRun.start(session.docker, { image, isolated: true });
    expect(run.container.hostPort).toBeUndefined();
    expect(run.url('/ping')).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:8080\/ping$/);
    expect((await run.waitUntilHealthy(30_000)).answer?.status).toBe(200);
  });

  it('says when the server exits before it is healthy', async () => {
    await using run = await ServingRun.start(session.docker, { image, env: { PORT: 'none' } });
    const wait = await run.waitUntilHealthy(30_000);
    expect(wait).toMatchObject({ readyAfterMs: undefined, exited: true });
    await expect(run.waitUntilHealthy(5_000, { required: true })).rejects.toThrow(
      ContainerExitedError,
    );
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
