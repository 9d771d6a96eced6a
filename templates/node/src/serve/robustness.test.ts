import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFile } from '../model/model-file.ts';
import { TWO_FEATURE_MODEL } from '../testing/two-feature-model.ts';
import { seededRandom } from '../model/random.ts';
import { captureLog } from '../testing/sagemaker-tree.ts';
import { closeGracefully, createServer } from './server.ts';
import { MB } from './settings.ts';

/** CONTRACT.md section 11 (R1-R4) against the in-process server. */
const MODEL = TWO_FEATURE_MODEL;
const SETTINGS = { maxPayloadBytes: 6 * MB, maxPayloadInMb: 6, maxConcurrentTransforms: 4 };
const log = captureLog();
const app = createServer({
  model: { ready: true, model: MODEL },
  settings: SETTINGS,
  log: log.log,
});

const nest = (depth: number, inner = '') => '['.repeat(depth) + inner + ']'.repeat(depth);

/** [name, Content-Type (undefined: none), body]: every one is the client's fault. */
const GARBAGE: [string, string | undefined, string | Buffer][] = [
  ...[1000, 10_000, 100_000].flatMap((d): [string, string, string][] => [
    [`arrays nested ${d} deep`, 'application/json', nest(d)],
    [`unbalanced arrays ${d} deep`, 'application/json', '['.repeat(d)],
    [`a row nested ${d} deep`, 'application/json', `{"instances": [[1, ${nest(d, '1')}]]}`],
    [`objects nested ${d} deep`, 'application/json', '{"a":'.repeat(d) + '1' + '}'.repeat(d)],
  ]),
  ['arrays nested without Content-Type', undefined, nest(50_000)],
  ['1e400', 'application/json', '[[1e400, 0]]'],
  ['a 400-digit number', 'application/json', `[[${'9'.repeat(400)}, 0]]`],
  ['1e39 beyond float32', 'application/json', '{"instances": [[1e39, 0]]}'],
  ['NaN', 'application/json', '[[NaN, 0]]'],
  ['Infinity', 'application/json', '{"instances": [[Infinity, 0]]}'],
  ['a string feature', 'application/json', '{"instances": [["1", 0]]}'],
  ['instances of the wrong type', 'application/json', '{"instances": "1,0"}'],
  ['null', 'application/json', 'null'],
  ['a number', 'application/json', '42'],
  ['truncated JSON', 'application/json', '{"instances": [[1, 0'],
  ['an empty JSON body', 'application/json', ''],
  ['an empty CSV body', 'text/csv', ''],
  ['an empty body without Content-Type', undefined, ''],
  ['only newlines', 'text/csv', '\n\r\n\n'],
  ['a CSV nan', 'text/csv', '1,0\nnan,0\n'],
  ['a CSV inf', 'text/csv', '1,0\n-inf,0\n'],
  ['a CSV 1e39', 'text/csv', '1e39,0\n'],
  ['a CSV 1e400', 'text/csv', '1e400,0\n'],
  ['a CSV 400 digits', 'text/csv', `${'9'.repeat(400)},0\n`],
  ['Arabic-Indic digits', 'text/csv', '١٢,0\n'],
  ['full-width digits', 'text/csv', '１２,0\n'],
  ['1_000', 'text/csv', '1_000,0\n'],
  ['0x10', 'text/csv', '0x10,0\n'],
  ['Infinity in CSV', 'text/csv', 'Infinity,0\n'],
  ['an empty cell', 'text/csv', '1,\n'],
  ['a header line', 'text/csv', 'x,y\n1,0\n'],
  ['a damaged first line', 'text/csv', '1;0\n1,0\n-1,0\n'],
  ['a blank line between records', 'text/csv', '1,0\n\n-1,0\n'],
  ['a wrong column count', 'text/csv', '1,0\n1,0,0\n'],
  ['a 6 MB cell', 'text/csv', `${'7'.repeat(5 * MB)},0\n`],
  ['non-UTF-8 CSV', 'text/csv', Buffer.from([0x31, 0x2c, 0xff, 0x0a])],
  ['non-UTF-8 JSON', 'application/json', Buffer.from([0x5b, 0xc3, 0x5d])],
  ['a lone surrogate in UTF-8', 'text/csv', Buffer.from([0xed, 0xa0, 0x80, 0x2c, 0x30])],
  ['an unknown charset', 'text/csv; charset=x-klingon', '1,0\n'],
  ['a long charset', `text/csv; charset=${'x'.repeat(2000)}`, '1,0\n'],
  ['odd UTF-16', 'text/csv; charset=utf-16le', Buffer.from([0x31, 0x00, 0x2c])],
  ['a form', 'application/x-www-form-urlencoded', 'a=1'],
  ['a broken Content-Type', ';;/', '1,0\n'],
];

describe('R1: client garbage gets a short 4xx, and the server keeps serving', () => {
  it.each(GARBAGE)('%s', async (_name, type, body) => {
    let req = request(app).post('/invocations');
    if (type !== undefined) req = req.set('Content-Type', type);
    const res = await req.send(Buffer.isBuffer(body) ? body : Buffer.from(body));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    expect(res.body.message.length).toBeLessThan(500);
    // No stack traces or file paths in what the client sees.
    expect(res.text).not.toMatch(/\n\s+at |\.[jt]s:\d|\/opt\/|node:internal/);
  });

  it('still answers /ping and a valid request afterwards, and logged no internal error', async () => {
    expect((await request(app).get('/ping')).status).toBe(200);
    const ok = await request(app)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .set('Accept', 'text/csv')
      .send('-1,0\n');
    expect(ok.text).toBe('left\n');
    expect(log.text()).not.toContain('internal_error');
    expect(log.lines.filter((l) => / 5\d\d /.test(l))).toEqual([]);
  });

  it('answers odd Accept headers with 200 or 406, never 5xx', async () => {
    for (const accept of ['', ';;,,', 'text/csv;q=abc', 'x'.repeat(5000), '*/*;q=0', 'a/b/c']) {
      const res = await request(app)
        .post('/invocations')
        .set('Content-Type', 'text/csv')
        .set('Accept', accept)
        .send('1,0\n');
      expect([200, 406]).toContain(res.status);
    }
  });
});

describe('R2: a 2xx answer holds only finite numbers', () => {
  it('answers 400 naming the row when the model cannot give a finite prediction', async () => {
    const huge: ModelFile = {
      ...MODEL,
      weights: [
        [-1e300, 1e300],
        [1e300, -1e300],
      ],
    };
    const risky = createServer({ model: { ready: true, model: huge }, settings: SETTINGS });
    const res = await request(risky)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .send('0,0\n1e30,-1e30\n');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Row 2: the model cannot turn these features into a finite/);
  });
});

describe('R3: one prediction per record, in order', () => {
  it('answers N CSV lines and N JSON instances with N predictions', async () => {
    const random = seededRandom(11);
    for (let n = 1; n <= 40; n += 13) {
      const rows = Array.from({ length: n }, () => [random() * 4 - 2, random()]);
      const csv = await request(app)
        .post('/invocations')
        .set('Content-Type', 'text/csv')
        .set('Accept', 'text/csv')
        .send(rows.map((r) => r.join(',')).join('\r\n'));
      const labels = rows.map((r) => (r[0]! < 0 ? 'left' : 'right'));
      expect(csv.text.trim().split('\n')).toEqual(labels);
      const json = await request(app)
        .post('/invocations')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ instances: rows }));
      expect(json.body.predictions.map((p: { label: string }) => p.label)).toEqual(labels);
    }
  });
});

describe('R1 over a real socket', () => {
  let port: number;
  const real = createServer({ model: { ready: true, model: MODEL }, settings: SETTINGS });
  beforeAll(async () => {
    await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve));
    port = (real.address() as AddressInfo).port;
  });
  afterAll(() => closeGracefully(real, 1_000));

  /** Sends raw bytes and returns whatever comes back before the server closes. */
  const raw = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.end(bytes);
    });

  it('keeps serving after a client that hangs up mid-body, with nothing logged as a 5xx', async () => {
    await raw(
      'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 100\r\n\r\n1,0\n',
    );
    const res = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(res.status).toBe(200);
  });

  /** Uploads `size` bytes as fast as the socket takes them; resolves with the answer or the error. */
  const upload = (head: string, size: number) =>
    new Promise<{ answer: string; error?: string }>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let error: string | undefined;
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
      socket.on('close', () => resolve({ answer, ...(error ? { error } : {}) }));
      socket.write(head);
      const chunk = Buffer.alloc(256 * 1024, '1,0\n');
      let sent = 0;
      const pump = () => {
        while (sent < size && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });

  it('answers an oversized upload with a 413 the client can read, even with Connection: close', async () => {
    for (let i = 0; i < 5; i++) {
      const size = 6 * MB + 256 * 1024;
      const { answer, error } = await upload(
        `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nConnection: close\r\nContent-Length: ${size}\r\n\r\n`,
        size,
      );
      expect(error).toBeUndefined();
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    }
  }, 60_000);

  it('refuses an oversized upload before sending 100 Continue', async () => {
    const answer = await raw(
      `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nExpect: 100-continue\r\nContent-Length: ${7 * MB}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers a 6 MB body of valid rows with one prediction per line', async () => {
    const line = '1.5,0.25\n';
    const body = line.repeat(Math.floor(5_999_999 / line.length));
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/invocations`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Accept: 'application/json' },
      body,
    });
    const json = (await res.json()) as { predictions: unknown[] };
    expect(res.status).toBe(200);
    expect(json.predictions).toHaveLength(body.length / line.length);
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
