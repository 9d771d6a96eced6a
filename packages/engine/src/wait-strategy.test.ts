import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningContainer } from './running-container.ts';
import { forExit, forHttp, msLeft } from './wait-strategy.ts';

let server: Server;
let base: string;
let pings = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ping') pings++;
    // /ping turns healthy on its third request; /hang never answers.
    if (req.url === '/hang') return;
    res.writeHead(req.url === '/ping' && pings >= 3 ? 200 : 503).end(req.url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** The parts of a container forHttp uses, with a switch for "it stopped". */
function fakeContainer(running = () => true): RunningContainer {
  return {
    startedAt: performance.now(),
    url: (path: string) => `${base}${path}`,
    describe: () => 'container fake',
    state: async () => ({ running: running(), exitCode: running() ? 0 : 3, oomKilled: false }),
    lastLogLines: async () => ['serving'],
    assertRunning: async (waitingFor: string) => {
      if (!running()) throw new Error(`container fake exited with code 3 ${waitingFor}`);
    },
  } as unknown as RunningContainer;
}

describe('forHttp', () => {
  it('asks until the wanted answer, and says when it came and what it saw', async () => {
    pings = 0;
    const result = await forHttp('/ping', { intervalMs: 20 }).wait(
      fakeContainer(),
      performance.now() + 5_000,
    );
    expect(result.answer?.status).toBe(200);
    expect(result.readyAfterMs).toBeGreaterThanOrEqual(0);
    expect(result.attempts).toBeGreaterThanOrEqual(1);
    expect(result.exited).toBe(false);
  });

  it('takes a predicate, and returns what it saw when the time runs out', async () => {
    const result = await forHttp('/other', { intervalMs: 20, until: (a) => a.status === 200 }).wait(
      fakeContainer(),
      performance.now() + 150,
    );
    expect(result.readyAfterMs).toBeUndefined();
    expect(result.answers.at(-1)?.status).toBe(503);
    expect(result.answers.length).toBeLessThanOrEqual(5);
  });

  it('does not wait for an attempt that hangs before sending the next', async () => {
    const started = performance.now();
    const result = await forHttp('/hang', { intervalMs: 20, requestTimeoutMs: 300 }).wait(
      fakeContainer(),
      performance.now() + 200,
    );
    expect(result.attempts).toBeGreaterThan(3);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('stops at once when the container stops, and when required says so', async () => {
    let running = true;
    setTimeout(() => (running = false), 60);
    const container = fakeContainer(() => running);
    const result = await forHttp('/other', { intervalMs: 20 }).wait(
      container,
      performance.now() + 5_000,
    );
    expect(result.exited).toBe(true);
    await expect(
      forHttp('/other', { intervalMs: 20, required: true }).wait(
        container,
        performance.now() + 5_000,
      ),
    ).rejects.toThrow(/exited with code 3 while waiting for GET \/other to answer 200/);
  });

  it('says the container exited, not that it publishes no port, when it stopped before its port was read', async () => {
    // The engine lists no port bindings for a container that has already stopped.
    const stopped = { ...fakeContainer(() => false), hostPort: undefined, containerPort: 8080 };
    const url = () => {
      throw new Error('publishes no port');
    };
    const container = { ...stopped, url } as unknown as RunningContainer;
    const result = await forHttp('/ping').wait(container, performance.now() + 5_000);
    expect(result).toMatchObject({ exited: true, attempts: 0, readyAfterMs: undefined });
    await expect(
      forHttp('/ping', { required: true }).wait(container, performance.now() + 5_000),
    ).rejects.toThrow(/exited with code 3 while waiting for GET \/ping to answer 200/);
  });

  it('when required and out of time, names the last answer and the log lines', async () => {
    await expect(
      forHttp('/other', { intervalMs: 20, required: true }).wait(
        fakeContainer(),
        performance.now() + 100,
      ),
    ).rejects.toThrow(
      /GET \/other on container fake did not answer 200 within 100 ms \(\d+ attempts, last: answered 503\)\. Last log lines:\n {2}\| serving/,
    );
  });
});

describe('forExit', () => {
  it('gives the container whole milliseconds (AbortSignal.timeout refuses fractions)', async () => {
    const asked: number[] = [];
    const container = {
      waitForExit: (ms: number) => {
        asked.push(ms);
        return Promise.resolve({ exitCode: 0, timedOut: false, durationMs: 1 });
      },
    } as unknown as RunningContainer;
    await forExit().wait(container, performance.now() + 1000.5);
    expect(Number.isInteger(asked[0])).toBe(true);
    expect(msLeft(performance.now() - 5)).toBe(1);
  });
});
