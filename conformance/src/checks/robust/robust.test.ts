import { describe, expect, it } from 'vitest';
import type { HttpExchange, TrainingObservation, TrainingVariant } from '../../observations.ts';
import {
  csv,
  failed,
  fakeContext,
  http,
  json,
  outcome,
  pingOk,
  ready,
  trained,
} from '../../test-support/fake-context.ts';
import type { ContainerRecording, FakeRequest, Route } from '../../test-support/fake-probes.ts';
import { robustServeGarbage } from './serve-garbage.ts';
import { robustServeLargestBatch } from './serve-largest-batch.ts';
import { robustServeRecordCount } from './serve-record-count.ts';
import { robustServeStrictOutput } from './serve-strict-output.ts';
import { robustTrainData } from './train-data.ts';
import { robustTrainHyperparameters } from './train-hyperparameters.ts';

const FLOAT32_MAX = 3.4028234663852886e38;
const NUMBER = /^-?\d+(\.\d+)?$/;
const essence = (type = '') => (type.split(';')[0] ?? '').trim().toLowerCase();
const inRange = (x: unknown) => typeof x === 'number' && Math.abs(x) <= FLOAT32_MAX;

/** How many two-feature records a body holds, or undefined when one of them cannot be read. */
function records(type: string, raw: Buffer): number | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return undefined;
  }
  if (type === 'text/csv') {
    const rows = text.split('\n').filter((line) => line !== '');
    const ok = rows.every((row) => {
      const cells = row.split(',');
      return cells.length === 2 && cells.every((c) => NUMBER.test(c) && inRange(Number(c)));
    });
    return ok && rows.length > 0 ? rows.length : undefined;
  }
  try {
    const { instances } = JSON.parse(text) as { instances?: unknown };
    const ok =
      Array.isArray(instances) &&
      instances.length > 0 &&
      instances.every((r) => Array.isArray(r) && r.length === 2 && r.every(inRange));
    return ok ? (instances as unknown[]).length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A strict server for the fixture's two-feature model: 415 for a type it does not read, 413 over
 * 6 MB, 400 for any record it cannot read, else one prediction per record. `answers` overrides it
 * for the requests a faulty server gets wrong.
 */
function strictModel(
  answers: (request: FakeRequest) => HttpExchange | undefined = () => undefined,
): Route {
  return {
    answer: (request) => {
      const own = answers(request);
      if (own) return own;
      if (request.method !== 'POST' || request.path !== '/invocations')
        return http(405, { body: 'method not allowed' });
      const type = essence(request.headers['content-type']);
      if (type !== 'text/csv' && type !== 'application/json')
        return http(415, { body: 'unsupported' });
      if (request.raw.length > 6 * 1024 * 1024) return http(413, { body: 'too large' });
      const count = records(type, request.raw);
      if (count === undefined) return http(400, { body: 'a record is not two float32 numbers' });
      return type === 'text/csv'
        ? csv('0.5\n'.repeat(count))
        : json({ predictions: Array.from({ length: count }, () => 0.5) });
    },
  };
}

const PROCESSES = [{ pid: 101, command: 'node /opt/program/main.js serve' }];
const server = (
  model: Route = strictModel(),
  container: ContainerRecording = { processes: [PROCESSES] },
  edit?: Parameters<typeof fakeContext>[1],
) => fakeContext({ serving: { serving: ready([model], { container }) } }, edit);

describe('robustness checks over a recorded server', () => {
  it('robust.serve.garbage: passes a server that refuses all garbage with 4xx and stays whole', async () => {
    const ctx = await server();
    const result = await outcome(robustServeGarbage, ctx);
    expect(result.message).toMatch(/^30 garbage requests \(seed 1234\): [\d×, ]*400×\d+/);
    expect(result.message).toMatch(/no process restarted$/);
    expect(ctx.probes.sent.get('serving')!.length).toBeGreaterThan(30);
  });

  it('robust.serve.garbage: fails a 500 for deep nesting, a dead /ping and a restarted worker', async () => {
    const deep = strictModel((r) =>
      /^(\[{20}|\{"instances": \[{20}|(\{"a":){20})/.test(r.body)
        ? http(500, { body: 'RecursionError' })
        : undefined,
    );
    const nesting = await outcome(robustServeGarbage, await server(deep));
    expect(nesting).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /\d+ answered 5xx, e\.g\. \[deep-nesting\].*→ 500: RecursionError.*replay this run with --seed 1234$/,
      ),
    });

    let crashed = false;
    const fragile = await fakeContext({
      serving: {
        serving: ready([], {
          routes: [
            { path: '/ping', body: () => crashed, answer: http(0, { body: 'ECONNREFUSED' }) },
            pingOk,
            strictModel((r) =>
              r.raw.length > 6 * 1024 * 1024
                ? ((crashed = true), http(0, { body: 'socket hang up' }))
                : undefined,
            ),
          ],
          container: {
            processes: [
              [...PROCESSES, { pid: 102, command: 'worker 1' }],
              [...PROCESSES, { pid: 102, command: 'worker 1' }],
              PROCESSES,
            ],
          },
        }),
      },
    });
    const result = await outcome(robustServeGarbage, fragile);
    expect(result.message).toMatch(
      /1 got no answer \(connection dropped or timed out\), e\.g\. \[oversized\]/,
    );
    expect(result.message).toMatch(
      /after the garbage, GET \/ping answered no answer \(ECONNREFUSED\), expected 200/,
    );
    expect(result.message).toMatch(/1 process\(es\) died or were restarted: worker 1/);
  });

  it('robust.serve.strict-output: fails a 2xx answer that is not valid JSON', async () => {
    expect((await outcome(robustServeStrictOutput, await server())).message).toMatch(
      /^\d+ 2xx answers, each valid in its declared content type$/,
    );
    const nan = strictModel((r) =>
      essence(r.headers['content-type']) === 'application/json' && /NaN|Infinity/.test(r.body)
        ? http(200, { body: '{"predictions": [NaN]}' })
        : undefined,
    );
    expect((await outcome(robustServeStrictOutput, await server(nan))).message).toMatch(
      /2xx answers are not valid in their content type, e\.g\. .*: the JSON answer holds NaN, which is not JSON/,
    );
  });

  it('robust.serve.record-count: needs N predictions for N records and a 4xx for a damaged one', async () => {
    expect((await outcome(robustServeRecordCount, await server())).message).toMatch(
      /^2 valid bodies got one prediction per record; \d+ bodies with a damaged record got a 4xx$/,
    );
    // A server that skips rows it cannot read instead of refusing the body.
    const dropping = strictModel((r) => {
      if (essence(r.headers['content-type']) !== 'text/csv' || !r.body.includes('\n'))
        return undefined;
      const rows = r.body.split('\n').filter((row) => /^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/.test(row));
      return csv('0.5\n'.repeat(rows.length));
    });
    expect((await outcome(robustServeRecordCount, await server(dropping))).message).toMatch(
      /^record 1 of \d \(text\/csv → text\/csv\) with .* answered HTTP 200 with \d predictions, expected a 4xx naming the record/,
    );
    const image = await fakeContext(
      {
        serving: {
          serving: ready([
            { path: '/invocations', answer: http(200, { contentType: 'image/png', body: 'PNG' }) },
          ]),
        },
      },
      (m) => {
        m.conformance.serving!.requests = [{ name: 'png', contentType: 'image/png', body: 'PNG' }];
      },
    );
    expect((await outcome(robustServeRecordCount, image)).message).toMatch(
      /^not applicable: no sample request holds a list of records/,
    );
  });

  // Wide records keep the 6 MB batch to some 170,000 of them, so the test stays quick.
  const wideServer = (model?: Route) =>
    server(model, undefined, (m) => {
      m.conformance.serving!.requests[0]!.body = `${'9'.repeat(30)}.5,2.5\n`;
    });

  it('robust.serve.largest-batch: needs one prediction per record of the 6 MB batch, in time', async () => {
    expect((await outcome(robustServeLargestBatch, await wideServer())).message).toMatch(
      /^6291443 bytes \(170039 records\) of text\/csv → text\/csv → 170039 predictions/,
    );
    const big = (answer: HttpExchange) =>
      strictModel((r) => (r.raw.length > 1_000_000 ? answer : undefined));
    expect(
      (await outcome(robustServeLargestBatch, await wideServer(big(csv('0.5\n'.repeat(1000))))))
        .message,
    ).toMatch(/answered 1000 predictions in 5 ms, expected 170039: one per record$/);
    const slow = big({ ...csv('0.5\n'.repeat(170039)), durationMs: 61_000 });
    expect((await outcome(robustServeLargestBatch, await wideServer(slow))).message).toMatch(
      /took 61000 ms, over the 60000 ms invocation limit$/,
    );
    expect(
      (await outcome(robustServeLargestBatch, await wideServer(big(http(413))))).message,
    ).toMatch(/see serve\.payload\.6mb/);
  });
});

/** Training that fails on garbage with a failure file that says what the case changed. */
const refusing = (variant: TrainingVariant): TrainingObservation =>
  failed({ failure: `${variant.fault}: refused` });

const garbage = (run: (variant: TrainingVariant) => TrainingObservation, sample = trained()) =>
  fakeContext({ training: { training: sample, 'training:*': run } });

describe('robustness checks over recorded training runs', () => {
  it('robust.train.hyperparameters: runs each case and needs a failure naming the hyperparameter', async () => {
    const ctx = await garbage(refusing);
    const result = await outcome(robustTrainHyperparameters, ctx);
    expect(result.message).toMatch(
      /^3 runs on garbage hyperparameters \(seed 1234\) each failed \(exit 1\) with a failure file naming the cause/,
    );
    const cases = ctx.probes.asked.filter((a) =>
      a.key.startsWith('training:robust-hyperparameter:'),
    );
    expect(cases).toHaveLength(3);
    // Each case is the sample's hyperparameters with one of them turned to garbage.
    for (const { variant } of cases) {
      const changed = Object.entries((variant as TrainingVariant).hyperparameters!).filter(
        ([name, value]) => ({ epochs: '3', name: 'fixture' })[name] !== value,
      );
      expect(changed).toHaveLength(1);
    }
    const accepting = await outcome(robustTrainHyperparameters, await garbage(() => trained()));
    expect(accepting.message).toMatch(
      /^3 of 3 runs on garbage hyperparameters: .* exited 0, so SageMaker would mark the job Completed/,
    );
    const vague = await outcome(
      robustTrainHyperparameters,
      await garbage(() => failed({ failure: 'invalid value' })),
    );
    expect(vague.message).toMatch(/do not name "epochs"|do not name "name"/);
    const blocked = await outcome(robustTrainHyperparameters, await garbage(refusing, failed()));
    expect(blocked.message).toMatch(/see train\.exit\.success/);
  });

  it('robust.train.hyperparameters: has nothing to send without numbers or a schema', async () => {
    const ctx = await fakeContext({ training: { training: trained() } }, (m) => {
      delete m.hyperparameterSchema;
      m.conformance.training!.hyperparameters = { name: 'fixture' };
    });
    expect((await outcome(robustTrainHyperparameters, ctx)).message).toBe(
      'not applicable: no hyperparameters to make garbage of',
    );
  });

  it('robust.train.data: writes damaged copies of the sample channel and needs the file and line named', async () => {
    const ctx = await garbage(refusing);
    expect((await outcome(robustTrainData, ctx)).message).toMatch(
      /^3 runs on garbage data \(seed 1234\) each failed/,
    );
    const variants = ctx.probes.asked
      .filter((a) => a.key.startsWith('training:robust-data:'))
      .map((a) => a.variant as TrainingVariant);
    expect(variants).toHaveLength(3);
    for (const variant of variants)
      expect(variant.channels!.train!.source).toMatch(/robust-train-/);
    const vague = await outcome(
      robustTrainData,
      await garbage(() => failed({ failure: 'could not read the data' })),
    );
    expect(vague.message).toMatch(/the failure file's first 1024 characters do not name/);
    const trainsOnGarbage = await outcome(robustTrainData, await garbage(() => trained()));
    expect(trainsOnGarbage.status).toBe('fail');
  });
});
