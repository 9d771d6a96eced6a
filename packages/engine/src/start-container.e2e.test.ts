import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerExitedError } from './container-exited-error.ts';
import { createNetwork } from './create-network.ts';
import { gpuDeviceRequests, hostGpuCount } from './host-gpu-count.ts';
import { MANAGED_LABEL, OWNER_LABEL, ownerId, SESSION_LABEL, sessionId } from './labels.ts';
import { OptMlTree } from './opt-ml-tree.ts';
import { startContainer } from './start-container.ts';
import { forHttp } from './wait-strategy.ts';
import { buildTinyAlgorithm, fixturesDir } from './test-support/build-tiny-algorithm.ts';
import {
  openEngineTestSession,
  type EngineTestSession,
} from './test-support/engine-test-session.ts';

const gpus = await hostGpuCount();
let session: EngineTestSession;
let image: string;
beforeAll(async () => {
  session = await openEngineTestSession();
  image = await buildTinyAlgorithm(session);
});
afterAll(async () => {
  await session?.close();
  const left = await session?.docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${SESSION_LABEL}=${sessionId}`] }),
  });
  expect(left).toEqual([]);
});

describe('training with an /opt/ml tree', () => {
  it('gives the container its config and channels and reads back what it wrote to /opt/ml/model', async () => {
    await using tree = await OptMlTree.create({
      hyperparameters: { epochs: '3' },
      channels: { training: path.join(fixturesDir, 'training') },
    });
    await using container = await startContainer(session.docker, {
      image,
      cmd: ['train'],
      mounts: tree.mounts({ readOnlyChannels: true }),
      networkDisabled: true,
    });
    const exit = await container.waitForExit(60_000);
    expect(exit).toMatchObject({ exitCode: 0, timedOut: false });
    expect(await container.logs()).toBe('training for 3 epochs as 0\n');
    expect(await tree.listModelFiles()).toEqual(['data/all.csv', 'hyperparameters.json']);
    expect(await readFile(path.join(tree.modelDir, 'data/all.csv'), 'utf8')).toBe('1,2\n3,4\n');
    expect(await tree.listOutputDataFiles()).toEqual(['summary.txt']);
    expect(await tree.readFailure()).toBeUndefined();
  });

  it('reads /opt/ml/output/failure of a failed job, and removes the root-owned files with the tree', async () => {
    const tree = await OptMlTree.create({
      hyperparameters: { epochs: '0' },
      channels: { training: path.join(fixturesDir, 'training') },
    });
    try {
      await using container = await startContainer(session.docker, {
        image,
        cmd: ['train'],
        mounts: tree.mounts(),
      });
      expect((await container.waitForExit(60_000)).exitCode).toBe(2);
      expect(await tree.readFailure()).toBe('epochs must be at least 1, got 0\n');
      expect(await container.logs({ stdout: false })).toBe('failing on purpose\n');
    } finally {
      await tree.dispose();
    }
    await expect(readFile(tree.failurePath)).rejects.toThrow(/ENOENT/);
  });
});

describe('serving', () => {
  it('publishes 8080 on a random host port and waits for the first 200', async () => {
    await using container = await startContainer(session.docker, {
      image,
      cmd: ['serve'],
      publishPort: true,
      env: { START_DELAY: '0.5' },
    });
    expect(container.hostPort).toBeGreaterThan(0);
    expect(container.url('/ping')).toBe(`http://127.0.0.1:${container.hostPort}/ping`);
    const ready = await container.waitFor(forHttp('/ping', { required: true }), 30_000);
    expect(ready.answer).toMatchObject({ status: 200, body: 'pong' });
    expect(ready.attempts).toBeGreaterThan(1);
    expect(ready.readyAfterMs).toBeGreaterThan(400);
    console.info(
      `[engine] container start to first 200 on /ping: ${ready.readyAfterMs} ms (server sleeps 500 ms before listening)`,
    );
    const missing = forHttp('/missing', { until: (a) => a.status === 404 });
    expect((await container.waitFor(missing, 5_000)).answer).toMatchObject({ status: 404 });
    expect((await container.waitForLog(/listening on (\d+)/, 5_000))[1]).toBe('8080');

    const info = await container.inspect();
    expect(info.Config.Labels).toMatchObject({
      [MANAGED_LABEL]: 'true',
      [SESSION_LABEL]: sessionId,
      [OWNER_LABEL]: ownerId,
    });
    expect(info.HostConfig.AutoRemove).toBe(false);
  });

  it('stops waiting as soon as the container exits, with its exit code and last log lines', async () => {
    await using container = await startContainer(session.docker, {
      image,
      entrypoint: ['/bin/bash', '-c'],
      cmd: [
        'for i in $(seq 1 40); do echo "loading part $i"; done; echo "fatal: no model in /opt/ml/model" >&2; exit 3',
      ],
      publishPort: true,
    });
    const started = performance.now();
    const error = await container
      .waitFor(forHttp('/ping', { required: true }), 60_000)
      .catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(error).toBeInstanceOf(ContainerExitedError);
    const { message, exitCode, lastLines } = error as ContainerExitedError;
    expect(exitCode).toBe(3);
    expect(message).toMatch(
      /^container [0-9a-f]{12} \(image .*tiny-algorithm.*\) exited with code 3 while waiting for GET \/ping to answer 200/,
    );
    expect(lastLines.length).toBeGreaterThanOrEqual(30);
    // The engine copies stdout and stderr separately, so their relative order is not guaranteed.
    expect(lastLines).toContain('fatal: no model in /opt/ml/model');
    expect(message).toContain('  | fatal: no model in /opt/ml/model');
    expect(message).not.toContain('loading part 10\n');
  });

  it('reports a wait that runs out of time with the last attempt and logs', async () => {
    await using container = await startContainer(session.docker, {
      image,
      cmd: ['serve'],
      publishPort: true,
    });
    await expect(container.waitFor(forHttp('/missing', { required: true }), 1_500)).rejects.toThrow(
      /GET \/missing on container .* did not answer 200 within 1500 ms \(\d+ attempts, last: answered 404\)\. Last log lines:\n {2}\| listening on 8080/,
    );
    const gave = await container.waitFor(forHttp('/missing'), 600);
    expect(gave).toMatchObject({ readyAfterMs: undefined, exited: false });
    expect(gave.answers.at(-1)?.status).toBe(404);
    await expect(container.waitForLog(/never printed/, 500)).rejects.toThrow(
      /wrote no log line matching \/never printed\/ within 500 ms/,
    );
  });

  it('exits on SIGTERM; stop and remove are idempotent', async () => {
    const container = await startContainer(session.docker, {
      image,
      cmd: ['serve'],
      publishPort: true,
    });
    try {
      await container.waitFor(forHttp('/ping', { required: true }), 30_000);
      await container.signal('SIGTERM');
      const exit = await container.waitForExit(10_000);
      expect(exit).toMatchObject({ exitCode: 0, timedOut: false });
      expect(await container.logs()).toContain('got SIGTERM, bye');
      await container.stop();
      await container.stop({ timeoutSeconds: 1 });
      await expect(container.signal('SIGTERM')).rejects.toThrow(
        /Cannot send SIGTERM to container .*: it is no longer running \(exit code 0\)/,
      );
    } finally {
      await container.remove();
    }
    await container.remove();
    await container.stop();
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('stop() ends a container that ignores SIGTERM after the grace period', async () => {
    await using container = await startContainer(session.docker, {
      image,
      entrypoint: ['/bin/bash', '-c'],
      cmd: ['trap "" TERM; echo ready; while :; do read -t 1 || true; done'],
    });
    await container.waitForLog(/ready/, 10_000);
    await container.stop({ timeoutSeconds: 1 });
    expect((await container.waitForExit(5_000)).exitCode).toBe(137);
  });
});

describe('waiting for exit and logs', () => {
  it('times out a wait for exit without stopping the container', async () => {
    await using container = await startContainer(session.docker, {
      image,
      entrypoint: ['/bin/bash', '-c'],
      cmd: ['echo up; while :; do read -t 1 || true; done'],
    });
    const exit = await container.waitForExit(300);
    expect(exit).toMatchObject({ exitCode: null, timedOut: true });
    expect(exit.durationMs).toBeGreaterThanOrEqual(300);
    expect((await container.state()).running).toBe(true);
  });

  it('fails a wait for a log line when the container exits first', async () => {
    await using container = await startContainer(session.docker, {
      image,
      entrypoint: ['/bin/bash', '-c'],
      cmd: ['echo "something else"; exit 4'],
    });
    await expect(container.waitForLog(/model loaded/, 30_000)).rejects.toThrow(
      /exited with code 4 while waiting for a log line matching \/model loaded\/\. Last 1 log lines:\n {2}\| something else/,
    );
  });

  it('runs commands inside a running container', async () => {
    await using container = await startContainer(session.docker, {
      image,
      cmd: ['serve'],
      hostname: 'algo-1-abcde',
    });
    await container.waitForLog(/listening/, 10_000);
    expect(await container.exec(['bash', '-c', 'hostname; echo oops >&2; exit 5'])).toEqual({
      exitCode: 5,
      stdout: 'algo-1-abcde\n',
      stderr: 'oops\n',
    });
  });
});

describe('start failures and networks', () => {
  it('says when the image is missing instead of pulling it', async () => {
    await expect(
      startContainer(session.docker, {
        image: 'sagemaker-templates/engine-test-missing:nope',
        cmd: ['serve'],
      }),
    ).rejects.toThrow(
      /^Image sagemaker-templates\/engine-test-missing:nope is not on the engine at .*\. Build it first: this package never pulls\.$/,
    );
  });

  it('removes the container when it cannot start', async () => {
    await expect(
      startContainer(session.docker, {
        image,
        cmd: ['no-such-program'],
        labels: { 'engine-test': 'cannot-start' },
      }),
    ).rejects.toThrow(
      /Container of .* with cmd `no-such-program` did not start: .*no-such-program/,
    );
    const left = await session.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: ['engine-test=cannot-start'] }),
    });
    expect(left).toEqual([]);
  });

  it('lets containers on a managed network reach each other by alias', async () => {
    await using network = await createNetwork(session.docker);
    await using server = await startContainer(session.docker, {
      image,
      cmd: ['serve'],
      network: network.name,
      networkAliases: ['algo-1'],
    });
    await server.waitForLog(/listening/, 10_000);
    await using client = await startContainer(session.docker, {
      image,
      network: network.name,
      entrypoint: ['/bin/bash', '-c'],
      cmd: ['exec 3<>/dev/tcp/algo-1/8080; printf "GET /ping HTTP/1.0\\r\\n\\r\\n" >&3; cat <&3'],
    });
    expect((await client.waitForExit(30_000)).exitCode).toBe(0);
    expect(await client.logs()).toMatch(/^HTTP\/1.1 200 OK\r\n[\s\S]*\r\n\r\npong$/);
  });

  it.runIf(gpus > 0)('hands the host GPUs to a container that asks for them', async () => {
    await using container = await startContainer(session.docker, {
      image,
      entrypoint: ['nvidia-smi'],
      cmd: ['-L'],
      deviceRequests: gpuDeviceRequests(gpus),
    });
    expect((await container.waitForExit(60_000)).exitCode).toBe(0);
    expect((await container.logs()).match(/^GPU \d+:/gm)).toHaveLength(gpus);
  });
});
