import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TWO_FEATURE_MODEL } from '../testing/two-feature-model.ts';
import { captureLog, makeTrainingTree, separableCsv } from '../testing/sagemaker-tree.ts';
import { runTraining } from '../train/train.ts';
import { closeGracefully, createServer, type ModelState } from './server.ts';
import { loadModelState, startServing } from './serve.ts';
import { MB, type ServerSettings } from './settings.ts';

const MODEL = TWO_FEATURE_MODEL;
const SETTINGS: Omit<ServerSettings, 'port'> = {
  maxPayloadBytes: 6 * MB,
  maxPayloadInMb: 6,
  maxConcurrentTransforms: 4,
};

function server(model: ModelState = { ready: true, model: MODEL }, settings = SETTINGS) {
  const log = captureLog();
  return { app: createServer({ model, settings, log: log.log }), log };
}

describe('GET /ping', () => {
  it('answers 200 once the model is loaded', async () => {
    const { app } = server();
    const res = await request(app).get('/ping');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect((await request(app).head('/ping')).status).toBe(200);
  });

  it('answers 503 with the reason when the model is missing or corrupt, and keeps serving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'serve-'));
    try {
      const missing = await loadModelState(join(dir, 'model.json'));
      const { app } = server(missing);
      const res = await request(app).get('/ping');
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('model_not_loaded');
      expect(res.body.message).toMatch(/model\.json does not exist/);
      const invoke = await request(app)
        .post('/invocations')
        .set('Content-Type', 'text/csv')
        .send('1,2\n');
      expect(invoke.status).toBe(503);
      expect((await request(app).get('/ping')).status).toBe(503);

      await writeFile(
        join(dir, 'model.json'),
        '{"format": "sagemaker-templates/node/softmax-regression@1", "classes": ["a"]',
      );
      const corrupt = await request(server(await loadModelState(join(dir, 'model.json'))).app).get(
        '/ping',
      );
      expect(corrupt.status).toBe(503);
      expect(corrupt.body.message).toMatch(/is not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('POST /invocations', () => {
  const { app, log } = server();

  it('reads CSV and answers JSON by default, with labels and probabilities', async () => {
    const res = await request(app)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .send('-2,0\n3,1\n');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.predictions.map((p: { label: string }) => p.label)).toEqual(['left', 'right']);
    const [first] = res.body.predictions;
    expect(Object.keys(first.probabilities)).toEqual(['left', 'right']);
    expect(first.probabilities.left + first.probabilities.right).toBeCloseTo(1, 12);
    expect(first.probabilities.left).toBeGreaterThan(0.99);
  });

  it('answers CSV, one label per line, when Accept asks for it', async () => {
    const res = await request(app)
      .post('/invocations')
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set('Accept', 'text/csv')
      .send('-2,0\n3,1\n');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text).toBe('left\nright\n');
  });

  it.each([
    [
      {
        instances: [
          [-1, 0],
          [1, 0],
        ],
      },
      ['left', 'right'],
    ],
    [{ features: [1, 0] }, ['right']],
    [[[-1, 0]], ['left']],
    [[1, 0], ['right']],
  ])('reads JSON %j', async (body, labels) => {
    const res = await request(app)
      .post('/invocations')
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/json')
      .send(JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(res.body.predictions.map((p: { label: string }) => p.label)).toEqual(labels);
  });

  it.each([
    ['*/*', 'application/json'],
    ['text/csv;q=0.9, application/json;q=0.5', 'text/csv'],
    ['application/json;q=0.5, text/*', 'text/csv'],
    ['text/html, application/*;q=0.1', 'application/json'],
  ])('negotiates Accept %j to %s', async (accept, type) => {
    const res = await request(app)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .set('Accept', accept)
      .send('1,0\n');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(new RegExp(`^${type}`));
  });

  it('tolerates SageMaker headers and echoes none of them', async () => {
    const res = await request(app)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .set(
        'X-Amzn-SageMaker-Custom-Attributes',
        'c000b4f9-df62-4c85-a0bf-7c525f9104a4,trace=secret',
      )
      .set('X-Amzn-SageMaker-Target-Variant', 'AllTraffic')
      .set('X-Unknown-Header', 'whatever')
      .send('1,0\n');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.headers)).not.toContain('secret');
  });

  it('sniffs a body sent without Content-Type', async () => {
    const json = await request(app)
      .post('/invocations')
      .set('Accept', 'text/csv')
      .send(Buffer.from('{"instances": [[-1, 0]]}'));
    expect(json.text).toBe('left\n');
    const csv = await request(app)
      .post('/invocations')
      .set('Accept', 'text/csv')
      .send(Buffer.from('1,0'));
    expect(csv.text).toBe('right\n');
  });

  describe('errors: a JSON body, the right status, and the server still answering', () => {
    const expectStillServing = async () => {
      expect((await request(app).get('/ping')).status).toBe(200);
      const ok = await request(app)
        .post('/invocations')
        .set('Content-Type', 'text/csv')
        .set('Accept', 'text/csv')
        .send('-1,0\n');
      expect(ok.text).toBe('left\n');
    };

    it('400 for malformed JSON', async () => {
      const res = await request(app)
        .post('/invocations')
        .set('Content-Type', 'application/json')
        .send('{not json');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({
        error: 'bad_request',
        message: expect.stringMatching(/^The body is not valid JSON/),
      });
      await expectStillServing();
    });

    it('400 for a wrong feature count, saying expected versus actual', async () => {
      const res = await request(app)
        .post('/invocations')
        .set('Content-Type', 'text/csv')
        .send('1,2,3\n');
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('Row 1 has 3 values, expected 2 features');
      await expectStillServing();
    });

    it('415 for an unsupported Content-Type, listing the supported ones', async () => {
      const res = await request(app)
        .post('/invocations')
        .set('Content-Type', 'application/x-sagemaker-conformance-unsupported')
        .send('conformance');
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        error: 'unsupported_media_type',
        message: expect.stringContaining('Supported: text/csv, application/json'),
      });
      await expectStillServing();
    });

    it('415 for an unknown charset', async () => {
      const res = await request(app)
        .post('/invocations')
        .set('Content-Type', 'text/csv; charset=klingon')
        .send('1,0');
      expect(res.status).toBe(415);
      expect(res.body.message).toContain('charset="klingon" is not supported');
    });

    it('406 for an Accept nothing satisfies', async () => {
      const res = await request(app)
        .post('/invocations')
        .set('Content-Type', 'text/csv')
        .set('Accept', 'image/png, application/json;q=0')
        .send('1,0\n');
      expect(res.status).toBe(406);
      expect(res.body).toEqual({
        error: 'not_acceptable',
        message: expect.stringContaining('Supported: application/json, text/csv'),
      });
      await expectStillServing();
    });

    it('404 for an unknown path and 405 for a wrong method, with Allow', async () => {
      const missing = await request(app).get('/predict');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        error: 'not_found',
        message: expect.stringContaining('GET /ping, POST /invocations, GET /execution-parameters'),
      });
      const wrong = await request(app).get('/invocations');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.allow).toBe('POST');
      expect(wrong.body.error).toBe('method_not_allowed');
      expect((await request(app).post('/ping')).status).toBe(405);
      await expectStillServing();
    });

    it('logs one line per request: method, path, status and milliseconds', () => {
      expect(log.lines).toContainEqual(expect.stringMatching(/^POST \/invocations 400 \d+\.\dms$/));
      expect(log.lines).toContainEqual(expect.stringMatching(/^GET \/predict 404 \d+\.\dms$/));
    });
  });
});

describe('payload limit', () => {
  const small = { ...SETTINGS, maxPayloadBytes: 1024 };

  it('accepts a body right at the limit', async () => {
    const row = '1,0\n';
    const body = row.repeat(256);
    expect(Buffer.byteLength(body)).toBe(1024);
    const res = await request(server(undefined, small).app)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .set('Accept', 'text/csv')
      .send(body);
    expect(res.status).toBe(200);
    expect(res.text.split('\n')).toHaveLength(257);
  });

  it('answers 413 for a declared Content-Length over the limit, and keeps serving', async () => {
    const { app } = server(undefined, small);
    const res = await request(app)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .send('1,0\n'.repeat(300));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error: 'payload_too_large',
      message: expect.stringContaining('over the limit of 1024 bytes'),
    });
    expect((await request(app).get('/ping')).status).toBe(200);
  });

  describe('a chunked body without Content-Length', () => {
    let app: http.Server;
    beforeAll(async () => {
      app = server(undefined, { ...SETTINGS, maxPayloadBytes: 6 * MB }).app;
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => closeGracefully(app, 1_000));

    it('is refused while it streams, long before the client finishes sending', async () => {
      const { port } = app.address() as AddressInfo;
      const chunk = Buffer.alloc(MB, '1,0\n');
      let sent = 0;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/invocations',
          headers: { 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
        });
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', (error) => (answered ? undefined : reject(error)));
        const pump = () => {
          while (!answered && sent < 100 * MB) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        pump();
      });
      expect(status).toBe(413);
      expect(sent).toBeLessThan(50 * MB);
      expect((await request(app).get('/ping')).status).toBe(200);
    });
  });

  it('honours SAGEMAKER_MAX_PAYLOAD_IN_MB through the settings', async () => {
    const app = server(undefined, { ...SETTINGS, maxPayloadBytes: 2 * MB }).app;
    const body = '1,0\n'.repeat((3 * MB) / 4);
    expect(
      (await request(app).post('/invocations').set('Content-Type', 'text/csv').send(body)).status,
    ).toBe(413);
  });
});

describe('GET /execution-parameters', () => {
  it('answers the batch settings with the MultiRecord spelling SDK local mode needs', async () => {
    const res = await request(server().app).get('/execution-parameters');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      MaxConcurrentTransforms: 4,
      BatchStrategy: 'MultiRecord',
      MaxPayloadInMB: 6,
    });
  });
});

describe('timeouts', () => {
  it('keeps Node’s timeouts when SAGEMAKER_MODEL_SERVER_TIMEOUT is unset', () => {
    const { app } = server();
    const plain = http.createServer();
    expect([app.requestTimeout, app.headersTimeout, app.timeout]).toEqual([
      plain.requestTimeout,
      plain.headersTimeout,
      plain.timeout,
    ]);
  });

  it('lets a request take SAGEMAKER_MODEL_SERVER_TIMEOUT, past Node’s 300 s', () => {
    const { app } = server(undefined, { ...SETTINGS, modelServerTimeoutMs: 900_000 });
    expect(app.requestTimeout).toBe(900_000);
    expect(app.timeout).toBe(900_000);
    expect(app.headersTimeout).toBe(60_000); // headers do not wait for the model
    const short = server(undefined, { ...SETTINGS, modelServerTimeoutMs: 5_000 }).app;
    expect([short.requestTimeout, short.headersTimeout, short.timeout]).toEqual([
      5_000, 5_000, 5_000,
    ]);
  });
});

describe('closeGracefully', () => {
  it('lets an in-flight request finish, closes its connection, then resolves', async () => {
    const { app } = server();
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const { port } = app.address() as AddressInfo;
    const answer = new Promise<{ status: number; connection: string | undefined; body: string }>(
      (resolve, reject) => {
        const req = http.request(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: '/invocations',
            headers: { 'Content-Type': 'text/csv', Accept: 'text/csv', 'Content-Length': 8 },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
            );
          },
        );
        req.on('error', reject);
        req.write('-1,0\n');
        // The rest of the body arrives after shutdown began.
        setTimeout(() => req.end('1,0'), 100);
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const closed = closeGracefully(app, 5_000);
    expect(await answer).toEqual({ status: 200, connection: 'close', body: 'left\nright\n' });
    expect(await closed).toBe('graceful');
    expect(app.listening).toBe(false);
  });
});

/** A port that was free a moment ago, for code that takes its port from the environment. */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('train, then serve', () => {
  let base: string;
  let dispose: () => Promise<void>;
  let app: http.Server | undefined;
  beforeAll(async () => {
    ({ base, dispose } = await makeTrainingTree({
      hyperparameters: { epochs: '20' },
      channels: { train: { 'train.csv': separableCsv(30, 1) } },
    }));
    const out = captureLog();
    expect(await runTraining({ baseDir: base, log: out.log, logError: out.log })).toBe(0);
  });
  afterEach(async () => {
    if (app?.listening) await closeGracefully(app, 1_000);
  });
  afterAll(() => dispose());

  it('predicts the classes of fresh rows from the trained model.json', async () => {
    const state = await loadModelState(join(base, 'model/model.json'));
    expect(state.ready).toBe(true);
    const fresh = separableCsv(5, 99, false).trim().split('\n');
    const labels = fresh.map((line) => line.split(',')[0]);
    const features = fresh.map((line) => line.split(',').slice(1).join(',')).join('\n');
    const res = await request(server(state).app)
      .post('/invocations')
      .set('Content-Type', 'text/csv')
      .set('Accept', 'text/csv')
      .send(features);
    expect(res.status).toBe(200);
    expect(res.text.trim().split('\n')).toEqual(labels);
  });

  it('startServing listens on SAGEMAKER_BIND_TO_PORT and never writes into the model folder', async () => {
    const port = await freePort();
    const log = captureLog();
    app = await startServing({
      baseDir: base,
      env: { SAGEMAKER_BIND_TO_PORT: String(port) },
      log: log.log,
    });
    expect(log.text()).toContain(`listening on 0.0.0.0:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(200);
    expect(await readdir(join(base, 'model'))).toEqual(['model.json']);
  });

  it('startServing stays up without a model so /ping can say why', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'serve-empty-'));
    try {
      await mkdir(join(empty, 'model'));
      const port = await freePort();
      const log = captureLog();
      app = await startServing({
        baseDir: empty,
        env: { SAGEMAKER_BIND_TO_PORT: String(port) },
        log: log.log,
      });
      expect(log.text()).toMatch(
        /error: The model could not be loaded: .*model\.json does not exist/,
      );
      const ping = await fetch(`http://127.0.0.1:${port}/ping`);
      expect(ping.status).toBe(503);
      expect(await ping.json()).toMatchObject({ error: 'model_not_loaded' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
