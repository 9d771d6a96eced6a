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
