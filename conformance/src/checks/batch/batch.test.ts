import { describe, expect, it } from 'vitest';
import {
  fakeContext,
  http,
  json,
  neverReady,
  outcome,
  ready,
  samples,
} from '../../test-support/fake-context.ts';
import type { SessionRecording } from '../../test-support/fake-probes.ts';
import { batchEnvironment } from './environment.ts';
import { batchExecutionParameters } from './execution-parameters.ts';
import { batchStrategySpelling } from './execution-parameters-strategy-spelling.ts';
import { batchTransform, samePrediction } from './transform.ts';

const TRUE = 'serving:batch:SAGEMAKER_BATCH=true';
const LOCAL = 'serving:batch:SAGEMAKER_BATCH=True';

const batch = (sageMaker: SessionRecording, localMode: SessionRecording) =>
  fakeContext({ serving: { serving: ready(samples), [TRUE]: sageMaker, [LOCAL]: localMode } });
const parameters = (answer: ReturnType<typeof http>) =>
  fakeContext({
    serving: { serving: ready([{ method: 'GET', path: '/execution-parameters', answer }]) },
  });

describe('batch transform checks over recorded servers', () => {
  it('batch.environment: serves under both spellings of SAGEMAKER_BATCH, with the job’s variables', async () => {
    const ctx = await batch(ready(samples), ready(samples));
    expect((await outcome(batchEnvironment, ctx)).status).toBe('pass');
    expect(ctx.probes.asked.find((a) => a.key === TRUE)?.variant).toMatchObject({
      env: {
        SAGEMAKER_BATCH: 'true',
        SAGEMAKER_MAX_PAYLOAD_IN_MB: '6',
        SAGEMAKER_BATCH_STRATEGY: 'MULTI_RECORD',
      },
    });
    const strict = await batch(ready(samples), neverReady(500));
    expect((await outcome(batchEnvironment, strict)).message).toBe(
      'with SAGEMAKER_BATCH=True, /ping never said 200 (last: HTTP 500); expected the same answers as without them',
    );
    const broken = await batch(
      ready([{ path: '/invocations', answer: http(500, { body: 'bad payload size' }) }]),
      ready(samples),
    );
    expect((await outcome(batchEnvironment, broken)).message).toMatch(
      /^with SAGEMAKER_BATCH=true, \[csv\] got HTTP 500 bad payload size/,
    );
    const realtime = await fakeContext({}, (m) => {
      m.capabilities.batch = false;
    });
    expect((await outcome(batchEnvironment, realtime)).message).toMatch(
      /does not set capabilities\.batch/,
    );
  });

  it('batch.execution-parameters: accepts a 404 or the documented shape', async () => {
    expect((await outcome(batchExecutionParameters, await parameters(http(404)))).status).toBe(
      'pass',
    );
    const good = json({
      MaxConcurrentTransforms: 2,
      BatchStrategy: 'MultiRecord',
      MaxPayloadInMB: 6,
    });
    expect((await outcome(batchExecutionParameters, await parameters(good))).status).toBe('pass');
    const greedy = json({
      MaxConcurrentTransforms: 4,
      BatchStrategy: 'MultiRecord',
      MaxPayloadInMB: 50,
    });
    expect((await outcome(batchExecutionParameters, await parameters(greedy))).message).toMatch(
      /MaxConcurrentTransforms × MaxPayloadInMB must be at most 100, got 4 × 50/,
    );
    const down = await fakeContext({ serving: { serving: neverReady() } });
    expect((await outcome(batchExecutionParameters, down)).status).toBe('skip');
  });

  it('batch.execution-parameters.strategy-spelling: fails the documented MULTI_RECORD', async () => {
    const docs = json({
      MaxConcurrentTransforms: 1,
      BatchStrategy: 'MULTI_RECORD',
      MaxPayloadInMB: 6,
    });
    expect((await outcome(batchStrategySpelling, await parameters(docs))).message).toMatch(
      /BatchStrategy is "MULTI_RECORD", which SageMaker SDK local mode rejects; expected MultiRecord/,
    );
    const api = json({
      MaxConcurrentTransforms: 1,
      BatchStrategy: 'SingleRecord',
      MaxPayloadInMB: 6,
    });
    expect((await outcome(batchStrategySpelling, await parameters(api))).message).toBe(
      'BatchStrategy is "SingleRecord"',
    );
    expect((await outcome(batchStrategySpelling, await parameters(http(404)))).status).toBe('skip');
  });
});

describe('batch.transform over a recorded batch server', () => {
  /** A server that sums each CSV row (as the fixture algorithm does), changed by `answer`. */
  const summing = (answer: (sums: number[]) => number[] = (sums) => sums) =>
    ready([
      { method: 'GET', path: '/execution-parameters', answer: http(404) },
      {
        method: 'POST',
        path: '/invocations',
        answer: (request) => {
          const rows = request.body.split('\n').filter((l) => l !== '');
          const sums = rows.map((r) => r.split(',').reduce((a, b) => a + Number(b), 0));
          return http(200, { contentType: 'text/csv', body: answer(sums).join('\n') + '\n' });
        },
      },
    ]);
  const transform = (session: SessionRecording) =>
    fakeContext({ serving: { serving: ready(samples), [TRUE]: session } });

  it('passes when every record gets its own prediction in order, over more than one request', async () => {
    const result = await outcome(batchTransform, await transform(summing()));
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /^a file of \d+ records in MultiRecord batches of at most 1 MB, 2 at a time \(2 requests\) → \d+ predictions in order, each as its record alone gets$/,
    );
  });

  it('fails a server that drops repeated records, and one that answers a batch in another order', async () => {
    const dropped = await outcome(batchTransform, await transform(summing((s) => [...new Set(s)])));
    expect(dropped.message).toMatch(
      /\(2 requests\): 4 predictions out, expected \d+, one per record$/,
    );
    const reversed = await outcome(
      batchTransform,
      await transform(summing((s) => (s.length > 1 ? [...s].reverse() : s))),
    );
    expect(reversed.message).toMatch(
      /: record \d+ got [37], but that record alone gets [37]: the predictions are out of order or mixed up$/,
    );
  });

  it('names the request a failed job stopped at', async () => {
    const failing = ready([
      { method: 'GET', path: '/execution-parameters', answer: http(404) },
      {
        method: 'POST',
        path: '/invocations',
        body: (b) => b.length < 100,
        answer: http(200, { contentType: 'text/csv', body: '3\n' }),
      },
      { method: 'POST', path: '/invocations', answer: http(413, { body: 'too large' }) },
    ]);
    expect((await outcome(batchTransform, await transform(failing))).message).toMatch(
      /the job failed: records: request 1 of 2 \(records 1 to \d+\) got HTTP 413: too large/,
    );
  });

  it('compares predictions cell by cell, numbers within rounding', () => {
    expect(samePrediction('0.1234567,setosa', '0.1234571,setosa')).toBe(true);
    expect(samePrediction('[0.5, 0.25]', '[0.5,0.25]')).toBe(false);
    expect(samePrediction('{"score":0.5}', '{"score":0.50000001}')).toBe(true);
    expect(samePrediction('0.5,setosa', '0.5,virginica')).toBe(false);
    expect(samePrediction('0.5', '0.6')).toBe(false);
  });
});
