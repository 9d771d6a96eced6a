import { describe, expect, it } from 'vitest';
import {
  csv,
  fakeContext,
  http,
  neverReady,
  outcome,
  ready,
  samples,
} from '../../test-support/fake-context.ts';
import type { Route, SessionRecording } from '../../test-support/fake-probes.ts';
import { serverlessInvocations } from './invocations.ts';
import { serverlessReady } from './ready.ts';

const MiB = 2 ** 20;
/** The fixture manifest (serverless at 1,024 MB) with the serverless container recorded as `session`. */
const serverless = (session: SessionRecording) =>
  fakeContext({ serving: { serving: ready(samples), 'serving:serverless': session } });
/** Answers CSV bodies larger than the samples (the grown batch) with `answer`. */
const grown = (answer: Route['answer']): Route => ({
  method: 'POST',
  path: '/invocations',
  body: (b) => b.length > 1000,
  answer,
});

describe('serverless checks over a recorded server', () => {
  it('serverless.ready: starts the container at the memory size with 3 minutes for /ping; says why it never became healthy', async () => {
    const ctx = await serverless(ready(samples, { container: { memory: [300 * MiB] } }));
    expect(await outcome(serverlessReady, ctx)).toEqual({
      status: 'pass',
      message: 'limited to 1024 MB with no GPU, /ping 200 after 150 ms; 300 MB in use',
    });
    expect(ctx.probes.asked).toContainEqual({
      key: 'serving:serverless',
      variant: expect.objectContaining({
        memoryLimit: { name: 'serverless 1024 MB', bytes: 1024 * MiB },
        readyWithinMs: 180_000,
      }),
    });
    const killed = await serverless({
      ...neverReady(),
      container: { running: false, exitCode: 137, oomKilled: true },
    });
    expect(await outcome(serverlessReady, killed)).toEqual({
      status: 'fail',
      message:
        'limited to 1024 MB with no GPU, GET /ping never answered 200 within 180 s: it was killed for using more memory than that (OOMKilled)',
    });
    const slow = await serverless(neverReady(503));
    expect((await outcome(serverlessReady, slow)).message).toMatch(
      /within 180 s: the last \/ping got HTTP 503$/,
    );
  });

  it('serverless.invocations: every sample and a CSV body just under 4 MB answered 2xx; names an OOM kill and slow or failed answers', async () => {
    const ok = await serverless(
      ready([grown(csv('0.5\n'.repeat(10))), ...samples], { container: { memory: [400 * MiB] } }),
    );
    expect(await outcome(serverlessInvocations, ok)).toEqual({
      status: 'pass',
      message: 'limited to 1024 MB, 3 requests → 2xx, slowest 5 ms; 400 MB in use after',
    });
    const batch = ok.probes.sent.get('serving:serverless')?.at(-1);
    expect(batch?.raw.length).toBeLessThan(4 * MiB);
    expect(batch?.raw.length).toBeGreaterThan(4 * MiB - 100);
    const killed = await serverless(
      ready([grown(http(0, { body: 'socket hang up' })), ...samples], {
        container: { running: false, exitCode: 137, oomKilled: true },
      }),
    );
    expect(await outcome(serverlessInvocations, killed)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /^limited to 1024 MB, it was killed for using more memory than that \(OOMKilled\) while answering: \d+ bytes of text\/csv \(csv grown\) → no answer \(socket hang up\) in 5 ms$/,
      ),
    });
    const slow = await serverless(
      ready(
        [grown(csv('0.5\n', 200)), ...samples].map((r, i) =>
          i === 0 ? { ...r, answer: http(200, { durationMs: 61_000 }) } : r,
        ),
      ),
    );
    expect((await outcome(serverlessInvocations, slow)).message).toMatch(
      /^limited to 1024 MB: \d+ bytes .* → HTTP 200 in 61000 ms; expected 2xx within 60 s each$/,
    );
  });

  it('leaves to the plain serving checks what fails without a memory limit too', async () => {
    const neverHealthy = await fakeContext({
      serving: { serving: neverReady(), 'serving:serverless': neverReady() },
    });
    expect(await outcome(serverlessReady, neverHealthy)).toMatchObject({
      status: 'skip',
      message: expect.stringContaining('serve.ping.ok'),
    });
    // text/csv is broken everywhere: the serverless container gets only the JSON sample.
    const csvBroken = ready([
      { path: '/invocations', headers: { 'content-type': 'text/csv' }, answer: http(500) },
      ...samples,
    ]);
    const ctx = await fakeContext({
      serving: { serving: csvBroken, 'serving:serverless': csvBroken },
    });
    expect((await outcome(serverlessInvocations, ctx)).message).toMatch(
      /^limited to 1024 MB, 1 request → 2xx \(no line-based sample to grow to 4 MB\)/,
    );
  });

  it('does not apply to an image that is not deployed serverless, and waits for serverless.ready', async () => {
    const none = await fakeContext({}, (m) => {
      delete m.capabilities.serverless;
    });
    expect((await outcome(serverlessReady, none)).message).toMatch(
      /^not applicable: template\.json declares no capabilities\.serverless/,
    );
    const down = await serverless(neverReady());
    expect(await outcome(serverlessInvocations, down)).toMatchObject({
      status: 'skip',
      message: expect.stringContaining('serverless.ready'),
    });
  });
});
