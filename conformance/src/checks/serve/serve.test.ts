import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Outcome } from '../../check.ts';
import {
  csv,
  fakeContext,
  type FakeContext,
  http,
  json,
  neverReady,
  outcome,
  ready,
  samples,
} from '../../test-support/fake-context.ts';
import type { Recording, Route, SessionRecording } from '../../test-support/fake-probes.ts';
import { serveBadInputClientError } from './bad-input-client-error.ts';
import { serveBadInputSurvives } from './bad-input-survives.ts';
import { serveBindToPort } from './bind-to-port.ts';
import { serveConcurrency } from './concurrency.ts';
import { serveLongevity } from './longevity.ts';
import { serveHeadersTolerated } from './headers-tolerated.ts';
import { serveInvocationsAccept } from './invocations-accept.ts';
import { serveInvocationsContentTypes } from './invocations-content-types.ts';
import { serveNetworkIsolation } from './network-isolation.ts';
import { servePayloadLimit } from './payload-6mb.ts';
import { servePingHonest } from './ping-honest.ts';
import { servePingOk } from './ping-ok.ts';
import { serveSigterm } from './sigterm.ts';

/** The shared serving container answering `routes` before the samples, and other sessions by key. */
const serving = (
  routes: Route[] = [],
  others: Record<string, SessionRecording> = {},
  more: Recording = {},
) => fakeContext({ ...more, serving: { serving: ready([...routes, ...samples]), ...others } });
const invocations = (answer: Route['answer'], extra: Omit<Route, 'answer'> = {}): Route => ({
  method: 'POST',
  path: '/invocations',
  ...extra,
  answer,
});
const sent = (ctx: FakeContext, key = 'serving') => ctx.probes.sent.get(key) ?? [];

describe('serving checks over a recorded server', () => {
  it('serve.ping.ok: needs a first 200 and five more, each under 2 s; shows the logs on failure', async () => {
    expect((await outcome(servePingOk, await serving())).message).toMatch(
      /^GET \/ping returned 200 150 ms after start; 5 more pings all 200, slowest 5 ms$/,
    );
    const down = await fakeContext({
      serving: {
        serving: { ...neverReady(), container: { logs: 'loading model\nOSError: model.pt\n' } },
      },
    });
    expect(await outcome(servePingOk, down)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /never returned 200 within 20 s.*HTTP 503: model not loaded, expected 200\. Last log lines:\n {4}\| loading model\n {4}\| OSError: model\.pt$/s,
      ),
    });
    const slow = await fakeContext({
      serving: {
        serving: ready([], {
          routes: [{ path: '/ping', answer: http(200, { durationMs: 2500 }) }],
        }),
      },
    });
    expect((await outcome(servePingOk, slow)).message).toMatch(
      /returned HTTP 200 in 2500 ms, expected 200 within 2000 ms/,
    );
    const trainOnly = await fakeContext({}, (m) => {
      m.capabilities.serve = false;
    });
    expect((await outcome(servePingOk, trainOnly)).status).toBe('skip');
  });

  describe('serve.ping.honest', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    /** Runs the check on fake timers: it pings the empty-model server a few times, 500 ms apart. */
    const honest = async (
      emptyModel: SessionRecording,
      shared = ready(samples),
    ): Promise<Outcome & { ctx: FakeContext }> => {
      const ctx = await fakeContext({
        serving: { serving: shared, 'serving:empty-model': emptyModel },
      });
      vi.useFakeTimers();
      const result = outcome(servePingHonest, ctx);
      await vi.runAllTimersAsync();
      return { ...(await result), ctx };
    };
    const noModel = (
      ping: number,
      invocation = http(500, { body: 'no model loaded' }),
    ): SessionRecording => ({
      pings: [http(ping)],
      routes: [{ path: '/ping', answer: http(ping) }, invocations(invocation)],
    });

    it('passes a server that says 503 or exits without a model', async () => {
      const unhealthy = await honest(noModel(503));
      expect(unhealthy.message).toMatch(/GET \/ping answered HTTP 503, not 200/);
      expect(
        unhealthy.ctx.probes.asked.find((a) => a.key === 'serving:empty-model')?.variant,
      ).toMatchObject({ emptyModel: true });
      const exited = await honest({ pings: [http(0)], container: { running: false, exitCode: 1 } });
      expect(exited.message).toMatch(/the server exited/);
    });

    it('passes a 200 only when /invocations then works (a model baked into the image)', async () => {
      expect((await honest(noModel(200, csv('0.5\n0.5\n')))).status).toBe('pass');
      const lying = await honest(noModel(200));
      expect(lying).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(
          /said 200, but POST \/invocations then answered HTTP 500: no model loaded/,
        ),
      });
    });

    it('is blocked when the server never got ready with a model', async () => {
      expect((await honest(noModel(503), neverReady())).message).toMatch(/see serve\.ping\.ok/);
    });
  });

  it('serve.invocations.content-types: needs 2xx for every sample request', async () => {
    expect((await outcome(serveInvocationsContentTypes, await serving())).message).toBe(
      'text/csv → 200 in 5 ms, application/json → 200 in 5 ms',
    );
    const noJson = await serving([
      invocations(http(415, { body: 'unsupported' }), {
        headers: { 'content-type': 'application/json' },
      }),
    ]);
    expect((await outcome(serveInvocationsContentTypes, noJson)).message).toBe(
      '[json] POST /invocations with Content-Type application/json returned HTTP 415, expected 2xx: unsupported',
    );
    expect(
      (
        await outcome(
          serveInvocationsContentTypes,
          await fakeContext({ serving: { serving: neverReady() } }),
        )
      ).status,
    ).toBe('skip');
  });

  it('serve.invocations.accept: needs the answer in the type Accept asks for', async () => {
    expect((await outcome(serveInvocationsAccept, await serving())).message).toBe(
      'Accept text/csv → text/csv, Accept application/json → application/json',
    );
    const jsonOnly = await serving([
      invocations(json([0.5, 0.5]), { headers: { accept: 'text/csv' } }),
    ]);
    expect((await outcome(serveInvocationsAccept, jsonOnly)).message).toMatch(
      /^\[csv\] Accept: text\/csv was answered with Content-Type "application\/json", expected text\/csv$/,
    );
    const noAccept = await fakeContext({}, (m) => {
      for (const r of m.conformance.serving!.requests) delete r.accept;
    });
    expect((await outcome(serveInvocationsAccept, noAccept)).status).toBe('skip');
  });

  it('serve.headers.tolerated: sends SageMaker’s and unknown headers with a working sample', async () => {
    const ctx = await serving();
    expect((await outcome(serveHeadersTolerated, ctx)).status).toBe('pass');
    const last = sent(ctx).at(-1)!;
    expect(last.headers['x-amzn-sagemaker-custom-attributes']).toHaveLength(1024);
    const picky = await serving([
      invocations(http(400, { body: 'header too large' }), {
        headers: { 'x-amzn-sagemaker-custom-attributes': /./ },
      }),
    ]);
    expect((await outcome(serveHeadersTolerated, picky)).message).toMatch(
      /^\[csv\] with X-Amzn-SageMaker-Custom-Attributes \(1024 characters\) and unknown headers, POST \/invocations answered HTTP 400: header too large/,
    );
  });

  it('serve.payload.6mb: sends the CSV sample grown to just under 6 MB', async () => {
    const big = (answer: Route['answer']) =>
      invocations(answer, { body: (b) => b.length > 1_000_000 });
    const ctx = await serving([big(csv('0.5\n'))]);
    expect((await outcome(servePayloadLimit, ctx)).message).toMatch(
      /^6291452 bytes of text\/csv → 200 in 5 ms$/,
    );
    expect(sent(ctx).at(-1)!.raw.length).toBeLessThan(6 * 1024 * 1024);
    const limited = await serving([
      big(http(413, { contentType: 'text/html', body: '<h1>413 Request Entity Too Large</h1>' })),
    ]);
    expect((await outcome(servePayloadLimit, limited)).message).toMatch(
      /answered HTTP 413: <h1>413 Request Entity Too Large<\/h1>, expected 2xx/,
    );
    const jsonOnly = await fakeContext({}, (m) => {
      m.conformance.serving!.requests = m.conformance.serving!.requests.filter(
        (r) => r.name === 'json',
      );
    });
    expect((await outcome(servePayloadLimit, jsonOnly)).message).toMatch(
      /no sample request in a line-based format/,
    );
  });

  it('serve.longevity: sustained load with no errors and flat memory passes; growth over the budget, errors or a dead /ping fail', async () => {
    const sized = (memory: number[] | undefined, routes: Route[] = []) =>
      fakeContext(
        {
          serving: {
            serving: ready([...routes, ...samples], memory ? { container: { memory } } : {}),
          },
        },
        (m) => {
          m.budgets.longevitySeconds = 0.05;
        },
      );
    const flat = await outcome(serveLongevity, await sized([100e6, 110e6]));
    expect(flat.status).toBe('pass');
    expect(flat.message).toMatch(
      /^\d+ valid requests from 4 clients in 0\.05 s, no errors; memory 100\.0 → 110\.0 MB \(\+10\.0\), within 64 MB; \/ping 200$/,
    );
    const leaking = await outcome(serveLongevity, await sized([100e6, 300e6]));
    expect(leaking.status).toBe('fail');
    expect(leaking.message).toMatch(
      /^memory 100\.0 → 300\.0 MB \(\+200\.0\) over \d+ valid requests .*, more than budgets\.memoryGrowthMb \(64 MB\)/,
    );
    let count = 0;
    const flaky = await sized(
      [100e6],
      [invocations(() => (++count % 50 === 0 ? http(502) : csv('0.5\n0.5\n')))],
    );
    expect((await outcome(serveLongevity, flaky)).message).toMatch(
      /^\d+ of \d+ valid requests from 4 clients in 0\.05 s failed \(HTTP 502\), expected none$/,
    );
    expect((await outcome(serveLongevity, await sized(undefined))).status).toBe('skip');
  });

  it('serve.concurrency: sends 16 requests at once and needs all 2xx', async () => {
    expect((await outcome(serveConcurrency, await serving())).message).toMatch(
      /^16 parallel \[csv\] requests all 2xx/,
    );
    let count = 0;
    const busy = await serving([
      invocations(
        () => (++count > 1 && count % 4 === 0 ? http(503, { body: 'busy' }) : csv('0.5\n0.5\n')),
        { headers: { 'content-type': 'text/csv' } },
      ),
    ]);
    expect((await outcome(serveConcurrency, busy)).message).toBe(
      '4 of 16 parallel [csv] requests failed (HTTP 503), expected all 2xx',
    );
  });

  describe('bad input', () => {
    const malformed = (status: number) =>
      invocations(http(status, { body: 'bad json' }), { body: (b) => b === '{not json' });
    const unsupported = (status: number) =>
      invocations(http(status, { body: 'unsupported' }), {
        headers: { 'content-type': 'application/x-sagemaker-conformance-unsupported' },
      });

    it('serve.bad-input.survives: needs an error status, then /ping and a sample still answered', async () => {
      const ctx = await serving([malformed(400), unsupported(415)]);
      expect((await outcome(serveBadInputSurvives, ctx)).message).toBe(
        'malformed-json → 400, unsupported-content-type → 415; the server kept serving',
      );
      expect(sent(ctx).map((r) => r.path)).toEqual(
        expect.arrayContaining(['/invocations', '/ping']),
      );
      const accepting = await serving([malformed(200), unsupported(415)]);
      expect((await outcome(serveBadInputSurvives, accepting)).message).toMatch(
        /^\[malformed-json\] POST \/invocations \(application\/json\) returned 200, expected an error status/,
      );
      let dead = false;
      const crashing = await fakeContext({
        serving: {
          serving: ready([], {
            routes: [
              { path: '/ping', body: () => dead, answer: http(0, { body: 'ECONNREFUSED' }) },
              { path: '/ping', answer: http(200) },
              invocations(() => ((dead = true), http(0, { body: 'socket hang up' })), {
                body: (b) => b === '{not json',
              }),
              unsupported(415),
              ...samples,
            ],
          }),
        },
      });
      expect((await outcome(serveBadInputSurvives, crashing)).message).toMatch(
        /got no answer \(socket hang up\), expected an error status; after malformed-json, GET \/ping returned no answer \(ECONNREFUSED\)/,
      );
    });

    it('serve.bad-input.client-error: prefers 4xx to 5xx', async () => {
      expect(
        (await outcome(serveBadInputClientError, await serving([malformed(400), unsupported(415)])))
          .message,
      ).toBe('malformed-json → 400, unsupported-content-type → 415');
      expect(
        (await outcome(serveBadInputClientError, await serving([malformed(500), unsupported(415)])))
          .message,
      ).toBe('[malformed-json] answered 500, expected 4xx (400, 406, 413 or 415)');
    });
  });

  it('serve.bind-to-port: applies to labelled images, which must listen on the port given', async () => {
    const label = {
      Labels: { 'com.amazonaws.sagemaker.capabilities.accept-bind-to-port': 'true' },
    };
    expect((await outcome(serveBindToPort, await serving())).message).toMatch(
      /does not carry .*accept-bind-to-port=true/,
    );
    const ctx = await serving(
      [],
      { 'serving:bind-to-port': ready([]) },
      { image: { Config: label } },
    );
    expect((await outcome(serveBindToPort, ctx)).message).toBe(
      'with SAGEMAKER_BIND_TO_PORT=9123, GET /ping on 9123 said 200 after 150 ms',
    );
    expect(ctx.probes.asked.find((a) => a.key === 'serving:bind-to-port')?.variant).toMatchObject({
      port: 9123,
      env: { SAGEMAKER_BIND_TO_PORT: '9123' },
    });
    const deaf = await serving(
      [],
      { 'serving:bind-to-port': { pings: [http(0, { body: 'ECONNREFUSED' })] } },
      { image: { Config: label } },
    );
    expect((await outcome(serveBindToPort, deaf)).message).toMatch(
      /never answered 200 \(last: no answer \(ECONNREFUSED\)\)/,
    );
  });

  it('serve.network-isolation: needs the server ready and answering with no route out', async () => {
    const ctx = await serving([], { 'serving:isolated': ready(samples) });
    expect((await outcome(serveNetworkIsolation, ctx)).message).toBe(
      'ready after 150 ms and [csv] → 200 with no route out',
    );
    expect(ctx.probes.asked.find((a) => a.key === 'serving:isolated')?.variant).toMatchObject({
      isolated: true,
    });
    const fetching = await serving([], {
      'serving:isolated': ready([invocations(http(500, { body: 'cannot reach s3' }))]),
    });
    expect((await outcome(serveNetworkIsolation, fetching)).message).toMatch(
      /with no route out, \[csv\] got HTTP 500 cannot reach s3/,
    );
    const stuck = await serving([], { 'serving:isolated': neverReady() });
    expect((await outcome(serveNetworkIsolation, stuck)).message).toMatch(
      /^with no route out of its network, \/ping never said 200/,
    );
  });

  it('serve.sigterm: needs the server to exit after SIGTERM; blocked when it already had', async () => {
    const stops = await fakeContext({
      serving: { serving: ready(samples, { container: { exitOnSigterm: 0 } }) },
    });
    expect((await outcome(serveSigterm, stops)).message).toMatch(/^exited 0 \d+ ms after SIGTERM$/);
    const ignores = await serving();
    expect((await outcome(serveSigterm, ignores)).message).toBe(
      'the serving container was still running 30 s after SIGTERM, expected it to exit',
    );
    const gone = await fakeContext({
      serving: { serving: ready(samples, { container: { running: false } }) },
    });
    expect((await outcome(serveSigterm, gone)).message).toMatch(
      /had already exited \(see serve\.ping\.ok\)/,
    );
  });
});
