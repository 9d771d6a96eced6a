import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProbeError, httpProbe } from './http-probe.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () =>
      res.writeHead(req.url === '/ping' ? 200 : 404).end(`${req.method} ${body}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('httpProbe', () => {
  it('answers status and body', async () => {
    expect(await httpProbe(`${base}/ping`)).toEqual({ status: 200, body: 'GET ' });
    expect(await httpProbe(`${base}/invocations`, { method: 'POST', body: 'x' })).toEqual({
      status: 404,
      body: 'POST x',
    });
  });

  it('gives up after its timeout', async () => {
    const started = performance.now();
    const error = await httpProbe(`${base}/slow`, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(describeProbeError(error)).toBe('ETIMEDOUT (no answer within 200 ms)');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('describes a refused connection by its code', async () => {
    const error = await httpProbe('http://127.0.0.1:1/').catch((e: unknown) => e);
    expect(describeProbeError(error)).toMatch(/ECONNREFUSED/);
  });
});
