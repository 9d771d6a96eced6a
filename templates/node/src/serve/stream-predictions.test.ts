import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SoftmaxModel } from '../model/model.ts';
import { TWO_FEATURE_MODEL } from '../testing/two-feature-model.ts';
import { captureLog } from '../testing/sagemaker-tree.ts';
import { predict } from '../model/model.ts';
import { encodePredictions, piecewiseEncoding, SUPPORTED_ACCEPT } from './encode-response.ts';
import { closeGracefully, createServer } from './server.ts';
import { MB } from './settings.ts';
import { BATCH_ROWS } from './stream-predictions.ts';

const MODEL = TWO_FEATURE_MODEL;
const LIMITS = { maxPayloadBytes: 200 * MB, maxPayloadInMb: 100, maxConcurrentTransforms: 1 };

/** Starts a server on a free port; `streamAfterBytes` low, so small bodies take the streamed path. */
async function listen(streamAfterBytes?: number, model: SoftmaxModel = MODEL) {
  const log = captureLog();
  const server = createServer({
    model: { ready: true, model },
    settings: LIMITS,
    log: log.log,
    ...(streamAfterBytes === undefined ? {} : { streamAfterBytes }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, log, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

type Listening = Awaited<ReturnType<typeof listen>>;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * POSTs one piece with Content-Length, or several as separate chunks (Transfer-Encoding: chunked);
 * resolves with the answer once it ended and the body was sent, rejects when it was cut short.
 */
async function post(
  url: string,
  pieces: (string | Buffer)[],
  headers: Record<string, string> = {},
) {
  const req = http.request(`${url}/invocations`, {
    method: 'POST',
    agent: false, // no kept-alive socket left to hold up closeGracefully
    headers: Object.fromEntries(
      Object.entries({
        'Content-Type': 'text/csv',
        ...(pieces.length === 1 && { 'Content-Length': String(Buffer.byteLength(pieces[0]!)) }),
        ...headers,
      }).filter(([, value]) => value !== ''), // '': leave the header out
    ),
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject); // an answer cut short: 'aborted'
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
  });
  // The server may close the connection after an early answer, before the body was all sent.
  const closed = new Promise<void>((resolve) => req.once('close', resolve));
  const sent = (async () => {
    for (const piece of pieces) {
      if (req.destroyed) return;
      req.write(piece);
      await new Promise((r) => setTimeout(r, 1)); // separate chunks on the wire
    }
    await Promise.race([new Promise<void>((resolve) => req.end(resolve)), closed]);
  })();
  const [result] = await Promise.all([answer, sent.catch(() => {})]);
  return result;
}

const rows = (n: number, at = 0) =>
  Array.from({ length: n }, (_, i) => `${((i + at) % 7) - 3.5},${(i % 3) / 10}\n`).join('');

describe('a body over the streaming size', () => {
  let streaming: Listening;
  let whole: Listening;
  beforeAll(async () => {
    streaming = await listen(16 * 1024);
    whole = await listen();
  });
  afterAll(() =>
    Promise.all([closeGracefully(streaming.server, 1_000), closeGracefully(whole.server, 1_000)]),
  );

  const body = rows(3 * BATCH_ROWS + 123);

  it.each(SUPPORTED_ACCEPT)(
    'is answered in %s byte for byte as when read whole',
    async (accept) => {
      const expected = await post(whole.url, [body], { Accept: accept });
      const got = await post(streaming.url, [body], { Accept: accept });
      expect(expected.status).toBe(200);
      expect(expected.headers['content-length']).toBeDefined();
      expect(got.headers['transfer-encoding']).toBe('chunked'); // written as it was made
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe(expected.headers['content-type']);
      expect(got.body).toBe(expected.body);
    },
  );

  it('streams a body sent without Content-Type that starts like CSV', async () => {
    const expected = await post(whole.url, [body], { 'Content-Type': '' });
    const got = await post(streaming.url, [body], { 'Content-Type': '' });
    expect(got.headers['transfer-encoding']).toBe('chunked');
    expect(got.body).toBe(expected.body);
    expect(JSON.parse(got.body).predictions).toHaveLength(3 * BATCH_ROWS + 123);
  });

  it('takes records and characters split across chunks', async () => {
    const text = `1\u3000,0\n-1,\u00a00.5\n`.repeat(4000);
    const bytes = Buffer.from(text);
    const cutAt = [5, 7, 1000, 1001, 1002, 20_000, 40_001];
    const pieces = [0, ...cutAt].map((at, i) => bytes.subarray(at, cutAt[i] ?? bytes.length));
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
    expect(bytes.subarray(1, 4).toString()).toBe('\u3000'); // the cut at 2..5 splits it
    const got = await post(
      streaming.url,
      [bytes.subarray(0, 2), bytes.subarray(2, 5), ...pieces.slice(1)],
      {
        Accept: 'text/csv',
      },
    );
    expect(got.status).toBe(200);
    expect(got.body).toBe('right\nleft\n'.repeat(4000));
  });

  it('answers 400 with the usual JSON for a bad record in the first batch', async () => {
    const bad = rows(10) + '1,x\n' + rows(3 * BATCH_ROWS);
    const expected = await post(whole.url, [bad]);
    const got = await post(streaming.url, [bad]);
    expect(got.status).toBe(400);
    expect(got.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got.body)).toEqual({
      error: 'bad_request',
      message: expect.stringMatching(/^Row 11, column 2: "x" is not a number/),
    });
    expect(got.body).toBe(expected.body);
  });

  it('answers 400 for a body of blank lines', async () => {
    const got = await post(streaming.url, ['\n'.repeat(20_000)]);
    expect(got.status).toBe(400);
    expect(JSON.parse(got.body).message).toMatch(/^The request has no rows/);
  });

  it.each(SUPPORTED_ACCEPT)(
    'cuts the connection for a bad record after the answer started (%s), never a short 200',
    async (accept) => {
      const bad = rows(2 * BATCH_ROWS + 500) + '1,0,0\n' + rows(BATCH_ROWS);
      await expect(post(streaming.url, [bad], { Accept: accept })).rejects.toThrow(
        /aborted|socket hang up|ECONNRESET/,
      );
      expect(streaming.log.text()).toContain(
        `Row ${2 * BATCH_ROWS + 501} has 3 values, expected 2 features`,
      );
      expect(streaming.log.lines).toContainEqual(
        expect.stringMatching(/^POST \/invocations 200 .*\(connection closed early\)$/),
      );
      const ok = await post(streaming.url, ['-1,0\n'], { Accept: 'text/csv' });
      expect(ok.body).toBe('left\n');
    },
  );

  it('reads a JSON body over the streaming size whole, as always', async () => {
    const instances = Array.from({ length: 5000 }, (_, i) => [i % 2 ? 1 : -1, 0]);
    const body = JSON.stringify({ instances });
    const expected = await post(whole.url, [body], { 'Content-Type': 'application/json' });
    const got = await post(streaming.url, [body], { 'Content-Type': 'application/json' });
    expect(got.status).toBe(200);
    expect(got.headers['content-length']).toBeDefined();
    expect(got.body).toBe(expected.body);
  });

  it('numbers a row without a finite prediction by its place in the whole body', async () => {
    const huge = {
      ...MODEL,
      weights: [
        [-1e300, 1e300],
        [1e300, -1e300],
      ],
    };
    const risky = await listen(16 * 1024, huge);
    try {
      const first = await post(risky.url, [rows(5) + '1e30,-1e30\n' + rows(2 * BATCH_ROWS)]);
      expect(first.status).toBe(400);
      expect(JSON.parse(first.body).message).toMatch(
        /^Row 6: the model cannot turn these features/,
      );
      const later = rows(BATCH_ROWS + 7) + '1e30,-1e30\n' + rows(BATCH_ROWS);
      await expect(post(risky.url, [later])).rejects.toThrow();
      expect(risky.log.text()).toContain(`Row ${BATCH_ROWS + 8}: the model cannot turn`);
    } finally {
      await closeGracefully(risky.server, 1_000);
    }
  });

  it('refuses a chunked body over the limit with a 413 when nothing was answered yet', async () => {
    const tight = createServer({
      model: { ready: true, model: MODEL },
      settings: { ...LIMITS, maxPayloadBytes: 64 * 1024 },
      streamAfterBytes: 1024,
    });
    await new Promise<void>((resolve) => tight.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(tight.address() as AddressInfo).port}`;
      // One line of 100 KB: nothing can be answered before the limit is passed.
      const got = await post(url, ['1'.repeat(50_000), '1'.repeat(50_000), ',0\n']);
      expect(got.status).toBe(413);
      expect(JSON.parse(got.body).error).toBe('payload_too_large');
    } finally {
      await closeGracefully(tight, 1_000);
    }
  });
});

describe('piecewiseEncoding', () => {
  it.each(SUPPORTED_ACCEPT)('joins batches into encodePredictions’ bytes (%s)', (accept) => {
    const predictions = predict(
      MODEL,
      Array.from({ length: 10 }, (_, i) => [i - 5, 0]),
    );
    const { prefix, separator, suffix, part } = piecewiseEncoding(accept);
    const batches = [predictions.slice(0, 3), predictions.slice(3, 4), predictions.slice(4)];
    expect(prefix + batches.map(part).join(separator) + suffix).toBe(
      encodePredictions(predictions, accept),
    );
  });
});

describe('backpressure', () => {
  let streaming: Listening;
  beforeAll(async () => {
    streaming = await listen(16 * 1024);
  });
  afterAll(() => closeGracefully(streaming.server, 1_000));

  it('stops reading the body while the client does not read the answer', async () => {
    const { port } = streaming.server.address() as AddressInfo;
    const size = 32 * MB;
    const socket = connect(port, '127.0.0.1');
    socket.pause(); // never reads the answer
    socket.write(
      `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nAccept: application/json\r\nContent-Length: ${size}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(256 * 1024, '1,0\n');
    let sent = 0;
    const stalled = await new Promise<boolean>((resolve) => {
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!socket.write(chunk)) {
            // The server takes no more once its answer backs up: no drain for a while.
            const timer = setTimeout(() => resolve(true), 2_000);
            socket.once('drain', () => {
              clearTimeout(timer);
              pump();
            });
            return;
          }
        }
        resolve(false);
      };
      pump();
    });
    socket.destroy();
    expect(stalled).toBe(true);
    expect(sent).toBeLessThan(size / 2);
    await expect
      .poll(() => streaming.log.text())
      .toMatch(/stopped: the connection closed after \d+ predictions were sent/);
    expect((await fetch(`${streaming.url}/ping`)).status).toBe(200);
  }, 30_000);
});
