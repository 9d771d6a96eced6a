import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamedExchange } from './streamed-exchange.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/refuse') {
      // Answers before the body has arrived, as a server that checks Content-Length first does.
      res.writeHead(413, { 'Content-Type': 'application/json' });
      return res.end('{"error":"too large"}');
    }
    if (req.url === '/never') return req.resume();
    let bytes = 0;
    res.writeHead(200, { 'Content-Type': 'text/csv' });
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // One answer line per body line, written a chunk at a time.
      let count = 0;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
      res.write('0\n'.repeat(count));
      if (req.url === '/cut' && bytes > 1_000_000) res.destroy();
    });
    req.on('end', () => res.end(`${req.headers['content-length']}=${bytes}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** `count` chunks of `line` repeated to 64 KiB, made as they are pulled. */
async function* body(count: number, line = 'a,b\n'): AsyncIterable<Buffer> {
  const chunk = Buffer.from(line.repeat(16 * 1024));
  for (let i = 0; i < count; i++) yield chunk;
}
const bytesOf = (count: number) => count * 64 * 1024;

describe('streamedExchange', () => {
  it('sends a body it never holds, with its Content-Length, and counts the answer instead of keeping it', async () => {
    const answer = await streamedExchange(`${base}/echo`, {
      body: body(160),
      bodyBytes: bytesOf(160),
      timeoutMs: 20_000,
    });
    const lines = 160 * 16 * 1024;
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/csv');
    expect(answer.receivedLines).toBe(lines + 1); // one per line, plus the unterminated summary
    expect(answer.body.length).toBe(64 * 1024);
    expect(answer.body.startsWith('0\n0\n0\n')).toBe(true);
    expect(answer.sentAfterMs).toBeLessThanOrEqual(answer.durationMs);
    expect(answer.receivedBytes).toBe(lines * 2 + `${bytesOf(160)}=${bytesOf(160)}`.length);
  });

  it('keeps an answer that comes before the body is sent, and says why when none comes', async () => {
    const refused = await streamedExchange(`${base}/refuse`, {
      body: body(400),
      bodyBytes: bytesOf(400),
      timeoutMs: 20_000,
    });
    expect(refused).toMatchObject({ status: 413, body: '{"error":"too large"}' });
    const cut = await streamedExchange(`${base}/cut`, {
      body: body(100),
      bodyBytes: bytesOf(100),
      timeoutMs: 20_000,
    });
    expect(cut.status).toBe(0);
    expect(cut.body).toMatch(/aborted|ECONNRESET|socket hang up|EPIPE/);
    const silent = await streamedExchange(`${base}/never`, {
      body: body(1),
      bodyBytes: bytesOf(1),
      timeoutMs: 300,
    });
    expect(silent).toMatchObject({ status: 0, body: 'no answer within 300 ms' });
  });
});
