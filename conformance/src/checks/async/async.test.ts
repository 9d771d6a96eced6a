import { describe, expect, it } from 'vitest';
import type { TemplateManifest } from '@sagemaker-templates/contract';
import {
  csv,
  fakeContext,
  http,
  neverReady,
  outcome,
  ready,
  samples,
} from '../../test-support/fake-context.ts';
import type {
  ContainerRecording,
  Route,
  SessionRecording,
} from '../../test-support/fake-probes.ts';
import { throttleFor } from '../support/long-request.ts';
import { asyncLongRequest } from './long-request.ts';
import { asyncPayload } from './payload.ts';
import { asyncPayloadMemory } from './payload-memory.ts';

const MiB = 2 ** 20;
/** 7 MB bodies (the smallest maxPayloadMb) keep the recorded exchanges small. */
const small = (m: TemplateManifest) => {
  m.capabilities.async = { ...m.capabilities.async!, maxPayloadMb: 7 };
};
/** The records of a grown `1,2\n3,4\n` sample, counted as the server would. */
const recordsOf = (body: string) => body.split('\n').filter((l) => l !== '').length;
/** Answers the grown CSV body (anything larger than the samples) as `answer` says. */
const grown = (answer: Route['answer']): Route => ({
  method: 'POST',
  path: '/invocations',
  body: (b) => b.length > 1000,
  answer,
});
/** One prediction line per record, after `durationMs`. */
const perRecord = (durationMs = 5): Route =>
  grown((r) => ({ ...csv('0.5\n'.repeat(recordsOf(r.body))), durationMs }));
const container = (over: ContainerRecording = {}): ContainerRecording => ({
  memory: [100 * MiB],
  peaks: [120 * MiB],
  cpuTimesNs: [1e9, 3e9],
  ...over,
});
const asyncCtx = (session: SessionRecording, edit = small) =>
  fakeContext({ serving: { serving: ready(samples), 'serving:async': session } }, edit);

describe('asynchronous endpoint checks over a recorded server', () => {
  it('async.payload: streams the largest body with the deployment environment; one answer line per record', async () => {
    const ctx = await asyncCtx(ready([perRecord(), ...samples], { container: container() }));
    expect(await outcome(asyncPayload, ctx)).toMatchObject({
      status: 'pass',
      message: expect.stringMatching(
        /^7 MB \(\d+ records\) → HTTP 200 in 0\.0 s, \d+ bytes in \d+ lines$/,
      ),
    });
    const sent = ctx.probes.sent.get('serving:async')?.at(-1);
    expect(sent?.raw.length).toBeLessThan(7 * MiB);
    expect(sent?.raw.length).toBeGreaterThan(7 * MiB - 10);
    expect(sent?.headers['content-type']).toBe('text/csv');
    expect(ctx.probes.asked).toContainEqual({
      key: 'serving:async',
      variant: expect.objectContaining({
        env: { SAGEMAKER_MODEL_SERVER_TIMEOUT: '120', SAGEMAKER_MAX_PAYLOAD_IN_MB: '24' },
      }),
    });
  });

  it('async.payload: names a refusal, a short answer, a crash, and a container never healthy', async () => {
    const refused = await asyncCtx(
      ready([grown(http(413, { body: '{"error": "payload_too_large"}' })), ...samples], {
        container: container(),
      }),
    );
    expect((await outcome(asyncPayload, refused)).message).toMatch(
      /^7 MB of text\/csv \(\d+ records of csv\) → HTTP 413 after 0\.0 s: \{"error": "payload_too_large"\}$/,
    );
    const short = await asyncCtx(
      ready([grown(csv('0.5\n')), ...samples], { container: container() }),
    );
    expect((await outcome(asyncPayload, short)).message).toMatch(
      /→ 1 lines of text\/csv: expected one per record$/,
    );
    const killed = await asyncCtx(
      ready([grown(http(0, { body: 'socket hang up' })), ...samples], {
        container: container({ running: false, exitCode: 137, oomKilled: true }),
      }),
    );
    expect((await outcome(asyncPayload, killed)).message).toMatch(
      /: it was killed for using more memory than that \(OOMKilled\) while answering$/,
    );
    const never = await asyncCtx(neverReady());
    expect(await outcome(asyncPayload, never)).toEqual({
      status: 'fail',
      message:
        "With the asynchronous deployment's environment (SAGEMAKER_MODEL_SERVER_TIMEOUT=120 SAGEMAKER_MAX_PAYLOAD_IN_MB=24), GET /ping never answered 200: the last got HTTP 503",
    });
  });

  it('async.payload.memory: passes a rise under 1.5 × the body + 64 MiB, fails one that holds the body twice', async () => {
    const streamed = await asyncCtx(ready([perRecord(), ...samples], { container: container() }));
    expect(await outcome(asyncPayloadMemory, streamed)).toEqual({
      status: 'pass',
      message:
        'memory held (file cache left out) rose from 100 MB to 120 MB (+20 MB, 2.86 × the body) while answering 7 MB, under 74 MB',
    });
    const twice = await asyncCtx(
      ready([perRecord(), ...samples], { container: container({ peaks: [200 * MiB] }) }),
    );
    expect(await outcome(asyncPayloadMemory, twice)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /^memory held \(file cache left out\) rose from 100 MB to 200 MB \(\+100 MB, 14\.29 × the body\) while answering 7 MB: at least 74 MB/,
      ),
    });
    const refused = await asyncCtx(
      ready([grown(http(413)), ...samples], { container: container() }),
    );
    expect((await outcome(asyncPayloadMemory, refused)).message).toMatch(/async\.payload/);
  });

  it('async.long-request: throttles the CPU so the body takes 1.3 × the budget, and passes an answer past it', async () => {
    const limits: number[] = [];
    let sent = 0;
    const route = grown((r) => ({
      ...csv('0.5\n'.repeat(recordsOf(r.body))),
      durationMs: sent++ === 0 ? 900 : 5_100, // unthrottled, then throttled
    }));
    const ctx = await asyncCtx(
      ready([route, ...samples], { container: container({ cpuLimits: limits }) }),
    );
    expect(await outcome(asyncLongRequest, ctx)).toMatchObject({
      status: 'pass',
      message: expect.stringMatching(
        /^the largest body with the container limited to 0\.385 CPUs ran 5\.1 s \(past 4 s\) and was answered HTTP 200/,
      ),
    });
    // 2 s of CPU spread over 1.3 × 4 s.
    expect(limits).toEqual([throttleFor(2e9, 5_200)]);
    expect(throttleFor(1e6, 100_000)).toBe(0.01);
  });

  it('async.long-request: fails a request cut before SAGEMAKER_MODEL_SERVER_TIMEOUT, retries one that ends early, skips when nothing could be held', async () => {
    let calls = 0;
    const cutAfterFirst = grown((r) =>
      calls++ === 0
        ? csv('0.5\n'.repeat(recordsOf(r.body)))
        : http(504, { body: 'upstream timed out', durationMs: 3_000 }),
    );
    const cut = await asyncCtx(ready([cutAfterFirst, ...samples], { container: container() }));
    expect((await outcome(asyncLongRequest, cut)).message).toMatch(
      /was cut after 3\.0 s with SAGEMAKER_MODEL_SERVER_TIMEOUT=120: HTTP 504 upstream timed out$/,
    );
    const limits: number[] = [];
    const quick = await asyncCtx(
      ready([perRecord(1_000), ...samples], { container: container({ cpuLimits: limits }) }),
    );
    expect(await outcome(asyncLongRequest, quick)).toMatchObject({
      status: 'skip',
      message: expect.stringContaining('was answered in 1.0 s, before 4 s: too little work'),
    });
    expect(limits).toHaveLength(2);
    expect(limits[1]).toBeLessThan(limits[0]!);
    // A first run that already lasted past the budget (a slow or emulated server) is the proof.
    const slowLimits: number[] = [];
    const slow = await asyncCtx(
      ready([perRecord(4_500), ...samples], { container: container({ cpuLimits: slowLimits }) }),
    );
    expect(await outcome(asyncLongRequest, slow)).toMatchObject({
      status: 'pass',
      message: expect.stringMatching(
        /^the largest body \(not throttled: it already takes that long\) ran 4\.5 s \(past 4 s\)/,
      ),
    });
    expect(slowLimits).toEqual([]);
  });

  it('does not apply to an image not deployed asynchronously, and says why when template.json does', async () => {
    const none = await fakeContext({}, (m) => {
      delete m.capabilities.async;
    });
    expect((await outcome(asyncPayload, none)).message).toBe(
      'not applicable: template.json declares no capabilities.async (the image is not deployed as an asynchronous endpoint)',
    );
    const declined = await fakeContext({}, (m) => {
      delete m.capabilities.async;
      m.notDeployedAs.async = 'TorchServe holds each body twice';
    });
    expect((await outcome(asyncLongRequest, declined)).message).toBe(
      'not applicable: not deployed as an asynchronous endpoint (template.json notDeployedAs.async: TorchServe holds each body twice)',
    );
  });
});
