import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStatus, exchange } from './http-exchange.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () =>
      res
        .writeHead(req.url === '/ping' ? 200 : 404, { 'Content-Type': 'text/plain' })
        .end(`${req.method} ${body}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('exchange', () => {
  it('answers status, content type, body and its bytes, without throwing for an error status', async () => {
    const ok = await exchange(`${base}/ping`, { timeoutMs: 2_000 });
    expect(ok).toMatchObject({ status: 200, contentType: 'text/plain', body: 'GET ' });
    expect(ok.raw?.toString()).toBe('GET ');
    const missing = await exchange(`${base}/invocations`, {
      method: 'POST',
      body: 'x',
      timeoutMs: 2_000,
    });
    expect(missing).toMatchObject({ status: 404, body: 'POST x' });
    expect(describeStatus(missing)).toBe('HTTP 404');
  });

  it('gives up after its timeout, as status 0 with the reason', async () => {
    const started = performance.now();
    const answer = await exchange(`${base}/slow`, { timeoutMs: 200 });
    expect(answer).toMatchObject({ status: 0, body: 'no answer within 200 ms' });
    expect(describeStatus(answer)).toBe('no answer (no answer within 200 ms)');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('describes a refused connection by its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const answer = await exchange(`http://127.0.0.1:${port}/`, { timeoutMs: 2_000 });
    expect(answer.status).toBe(0);
    expect(answer.body).toMatch(/ECONNREFUSED/);
  });
});
