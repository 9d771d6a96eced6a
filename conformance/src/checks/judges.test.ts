import { describe, expect, it } from 'vitest';
import { BlockedError } from '../blocked-error.ts';
import type { HttpExchange } from '../http-exchange.ts';
import type { TrainingObservation } from '../observations.ts';
import { isShellForm } from './support/entrypoint.ts';
import { initProgram } from './image/entrypoint-no-tini.ts';
import { judgeClientError } from './serve/bad-input-client-error.ts';
import { judgeSurvival } from './serve/bad-input-survives.ts';
import { judgeAccept, satisfies } from './serve/invocations-accept.ts';
import { judgeSampleAnswers } from './serve/invocations-content-types.ts';
import { judgePing } from './serve/ping-ok.ts';
import { judgeSuccessExit } from './train/exit-success.ts';
import { judgeFailureExit } from './train/failure-exit-code.ts';
import { judgeFailureFile } from './train/failure-file.ts';
import { judgeInvocation } from './train/invocation.ts';
import { captureMetrics } from './train/metrics-regex.ts';
import { judgeModelWritten } from './train/model-written.ts';

const run = (over: Partial<TrainingObservation> = {}): TrainingObservation => ({
  exitCode: 0,
  oomKilled: false,
  timedOut: false,
  durationMs: 900,
  logs: 'epoch=1 loss=0.5\n',
  modelFiles: [{ path: 'model.json', size: 120 }],
  failure: undefined,
  successFile: true,
  ...over,
});
const http = (status: number, over: Partial<HttpExchange> = {}): HttpExchange => ({
  status,
  contentType: 'application/json',
  body: '{}',
  durationMs: 5,
  ...over,
});
const csv = { name: 'csv', contentType: 'text/csv', accept: 'text/csv', body: '1,2' };

describe('image checks', () => {
  it('recognises the shell form Docker stores', () => {
    expect(isShellForm(['/bin/sh', '-c', 'node main.js'])).toBe(true);
    expect(isShellForm(['node', 'main.js'])).toBe(false);
    expect(isShellForm(['bash', '-m', 'start_with_right_hostname.sh'])).toBe(false); // DLC exec form
    expect(isShellForm(undefined)).toBe(false);
  });

  it('finds tini in exec and shell form, and nothing else', () => {
    expect(initProgram(['/usr/bin/tini', '--', 'serve'])).toBe('tini');
    expect(initProgram(['/bin/sh', '-c', 'tini -- node x'])).toBe('tini');
    expect(initProgram(['node', 'tini.js'])).toBeUndefined();
    expect(initProgram([])).toBeUndefined();
  });
});

describe('training judges', () => {
  it('fails invocation when the container cannot start or train is not found', () => {
    expect(
      judgeInvocation(run({ startError: 'executable file not found', exitCode: null })).status,
    ).toBe('fail');
    expect(judgeInvocation(run({ exitCode: 127 })).message).toMatch(/exited 127/);
    expect(judgeInvocation(run({ exitCode: 1 })).status).toBe('pass');
  });

  it('blocks dependent checks when training did not start', () => {
    expect(() => judgeSuccessExit(run({ startError: 'x', exitCode: null }), 60)).toThrow(
      BlockedError,
    );
    expect(() => judgeModelWritten(run({ exitCode: 2 }))).toThrow(/see train\.exit\.success/);
  });

  it('judges the exit code of a successful run, with the failure reason and logs', () => {
    const outcome = judgeSuccessExit(run({ exitCode: 3, failure: 'bad learning_rate\ntrace' }), 60);
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toContain(
      'exited 3, expected 0. /opt/ml/output/failure says: bad learning_rate',
    );
    expect(outcome.message).toContain('| epoch=1 loss=0.5');
    expect(judgeSuccessExit(run({ timedOut: true, exitCode: null }), 60).message).toMatch(
      /still running after 60 s/,
    );
    expect(judgeSuccessExit(run(), 60).status).toBe('pass');
  });

  it('says a run was killed for lack of memory, with its peak against the instance it was sized as', () => {
    const sizedAs = { name: 'ml.t3.medium', memoryBytes: 4 * 2 ** 30 };
    const killed = judgeSuccessExit(
      run({ exitCode: 137, oomKilled: true, peakMemoryBytes: 4 * 2 ** 30 - 2 ** 20, sizedAs }),
      60,
    );
    expect(killed.status).toBe('fail');
    expect(killed.message).toMatch(
      /^training on the sample data was killed for lack of memory \(exit 137, OOMKilled\): peak 4\.0 GiB of ml\.t3\.medium's 4\.0 GiB, expected exit 0/,
    );
    expect(killed.hint).toMatch(/declare a larger instanceType in template\.json/);
    expect(
      judgeSuccessExit(run({ exitCode: 137, oomKilled: true, sizedAs }), 60).message,
    ).toContain("(exit 137, OOMKilled): the limit is ml.t3.medium's 4.0 GiB, expected");
    expect(judgeSuccessExit(run({ exitCode: 137, oomKilled: true }), 60).message).toContain(
      '(exit 137, OOMKilled), expected exit 0',
    );
  });

  it('needs a non-empty model file', () => {
    expect(judgeModelWritten(run({ modelFiles: [] })).status).toBe('fail');
    expect(judgeModelWritten(run({ modelFiles: [{ path: 'm', size: 0 }] })).message).toMatch(
      /1 empty file/,
    );
    expect(judgeModelWritten(run()).status).toBe('pass');
  });

  it('needs a failure file whose first 1024 characters are not blank', () => {
    expect(judgeFailureFile(run({ exitCode: 1 })).status).toBe('fail');
    expect(judgeFailureFile(run({ exitCode: 1, failure: `${' '.repeat(1100)}cause` })).status).toBe(
      'fail',
    );
    expect(
      judgeFailureFile(run({ exitCode: 1, failure: 'Hyperparameter "lr" must be > 0' })).message,
    ).toContain('says: Hyperparameter');
  });

  it('needs a non-zero exit on failure', () => {
    expect(judgeFailureExit(run({ exitCode: 0, fault: 'x' })).status).toBe('fail');
    expect(judgeFailureExit(run({ exitCode: null, timedOut: true })).status).toBe('fail');
    expect(judgeFailureExit(run({ exitCode: 1 })).status).toBe('pass');
  });

  it('captures metrics as SageMaker does: first group, last match, must be a number', () => {
    const logs = 'epoch=1 train_loss=0.9\nepoch=2 train_loss=0.4\nacc=high\n';
    expect(captureMetrics(logs, [{ name: 'loss', regex: 'train_loss=([0-9.]+)' }])).toEqual([
      { name: 'loss', value: 0.4 },
    ]);
    expect(captureMetrics(logs, [{ name: 'acc', regex: 'acc=(\\w+)' }])[0]?.problem).toMatch(
      /not a number/,
    );
    expect(captureMetrics(logs, [{ name: 'f1', regex: 'f1=([0-9.]+)' }])[0]?.problem).toMatch(
      /matched no log line/,
    );
    expect(captureMetrics(logs, [{ name: 'bad', regex: '(' }])[0]?.problem).toMatch(
      /does not compile/,
    );
  });
});

describe('serving judges', () => {
  it('fails /ping that never said 200, naming the last answer', () => {
    const outcome = judgePing(undefined, [http(503, { body: 'model not loaded' })], [], 60);
    expect(outcome.message).toMatch(/never returned 200 within 60 s.*HTTP 503: model not loaded/);
  });

  it('fails a slow /ping even when it says 200', () => {
    expect(judgePing(100, [], [http(200), http(200, { durationMs: 2500 })], 60).status).toBe(
      'fail',
    );
    expect(judgePing(100, [], [http(200), http(200)], 60).status).toBe('pass');
  });

  it('needs 2xx for every sample request', () => {
    const outcome = judgeSampleAnswers([{ request: csv, answer: http(500, { body: 'boom' }) }]);
    expect(outcome.message).toBe(
      '[csv] POST /invocations with Content-Type text/csv returned HTTP 500, expected 2xx: boom',
    );
    expect(
      judgeSampleAnswers([{ request: csv, answer: http(0, { body: 'ECONNRESET' }) }]).message,
    ).toMatch(/no answer \(ECONNRESET\)/);
  });

  it('matches Accept against the response type, parameters and wildcards included', () => {
    expect(satisfies('text/csv', 'text/csv; charset=utf-8')).toBe(true);
    expect(satisfies('application/json, text/csv;q=0.5', 'text/csv')).toBe(true);
    expect(satisfies('text/*', 'text/csv')).toBe(true);
    expect(satisfies('text/csv', 'application/json')).toBe(false);
    expect(judgeAccept([{ request: csv, answer: http(200) }]).status).toBe('fail');
    expect(
      judgeAccept([{ request: csv, answer: http(200, { contentType: 'text/csv' }) }]).status,
    ).toBe('pass');
  });

  it('needs an error status for bad input and a live server afterwards', () => {
    const bad = { name: 'malformed', contentType: 'application/json', body: '{' };
    const ok = { request: bad, answer: http(400), pingAfter: http(200), sampleAfter: http(200) };
    expect(judgeSurvival([ok]).status).toBe('pass');
    expect(judgeSurvival([{ ...ok, answer: http(200) }]).message).toMatch(
      /returned 200, expected an error status/,
    );
    expect(
      judgeSurvival([{ ...ok, answer: http(0, { body: 'socket hang up' }), pingAfter: http(0) }])
        .message,
    ).toMatch(/GET \/ping returned no answer/);
    expect(judgeSurvival([{ ...ok, sampleAfter: http(503) }]).message).toMatch(
      /a valid request returned HTTP 503/,
    );
  });

  it('prefers 4xx for bad input but accepts that a crashed answer is judged elsewhere', () => {
    const bad = { name: 'malformed', contentType: 'application/json', body: '{' };
    const answer = (status: number) => ({
      request: bad,
      answer: http(status),
      pingAfter: http(200),
      sampleAfter: undefined,
    });
    expect(judgeClientError([answer(415), answer(400)]).status).toBe('pass');
    expect(judgeClientError([answer(500)]).message).toMatch(/answered 500, expected 4xx/);
    expect(judgeClientError([answer(0)]).status).toBe('pass');
  });
});

describe('issue 3 judges', () => {
  it('knows which users are root', async () => {
    const { isRootUser } = await import('./image/user-root.ts');
    expect(['', undefined, 'root', '0', '0:0', 'root:root'].map((u) => isRootUser(u))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(isRootUser('node')).toBe(false);
    expect(isRootUser('1000:1000')).toBe(false);
  });

  it('JSON-encodes hyperparameters as the SDK does, without encoding twice', async () => {
    const { jsonEncodeHyperparameters } = await import('./train/hyperparameters-json-encoded.ts');
    expect(jsonEncodeHyperparameters({ lr: '0.1', name: '"abc"', flag: 'true' })).toEqual({
      lr: '"0.1"',
      name: '"abc"',
      flag: '"true"',
    });
  });

  it('fails a variant run that did not succeed like the plain one', async () => {
    const { judgeVariantOutcome } = await import('./support/variant-run.ts');
    expect(
      judgeVariantOutcome(run({ exitCode: 1, failure: 'lr must be a number' }), 'with X', 60)
        .message,
    ).toContain(
      'exited 1, expected 0 like the plain run. /opt/ml/output/failure says: lr must be a number',
    );
    expect(judgeVariantOutcome(run(), 'with X', 60).status).toBe('pass');
  });

  it('accepts a 503 or an exit without a model, and a 200 only when invocations then work', async () => {
    const { judgeHonesty } = await import('./serve/ping-honest.ts');
    expect(judgeHonesty({ pings: [http(503)], exited: false, invocation: undefined }).status).toBe(
      'pass',
    );
    expect(judgeHonesty({ pings: [], exited: true, invocation: undefined }).status).toBe('pass');
    expect(judgeHonesty({ pings: [http(200)], exited: false, invocation: http(200) }).status).toBe(
      'pass',
    );
    expect(
      judgeHonesty({
        pings: [http(200)],
        exited: false,
        invocation: http(500, { body: 'no model' }),
      }).message,
    ).toMatch(/GET \/ping said 200, but POST \/invocations then answered HTTP 500: no model/);
  });

  it('grows a line-based body to just under the limit, whole records only', async () => {
    const { growBody } = await import('./support/largest-batch.ts');
    const body = growBody('1,2,3\n4,5,6\n', 1000);
    expect(Buffer.byteLength(body)).toBeLessThan(1000);
    expect(Buffer.byteLength(body)).toBeGreaterThan(990);
    expect(body.split('\n').slice(0, 3)).toEqual(['1,2,3', '4,5,6', '1,2,3']);
    expect(() => growBody('\n', 10)).toThrow(/no records/);
  });

  it('checks the shape of /execution-parameters and accepts a 404', async () => {
    const { judgeExecutionParameters } = await import('./batch/execution-parameters.ts');
    const { judgeStrategySpelling } =
      await import('./batch/execution-parameters-strategy-spelling.ts');
    const body = (o: object) => http(200, { body: JSON.stringify(o) });
    expect(judgeExecutionParameters(http(404)).status).toBe('pass');
    expect(
      judgeExecutionParameters(
        body({ MaxConcurrentTransforms: 4, BatchStrategy: 'MultiRecord', MaxPayloadInMB: 6 }),
      ).status,
    ).toBe('pass');
    expect(
      judgeExecutionParameters(
        body({ MaxConcurrentTransforms: '4', BatchStrategy: 'MultiRecord', MaxPayloadInMB: 6 }),
      ).message,
    ).toMatch(/MaxConcurrentTransforms must be a non-negative integer, got "4"/);
    expect(
      judgeExecutionParameters(
        body({ MaxConcurrentTransforms: 20, BatchStrategy: 'MultiRecord', MaxPayloadInMB: 6 }),
      ).message,
    ).toMatch(/at most 100, got 20 × 6/);
    expect(judgeExecutionParameters(http(200, { body: 'ok' })).message).toMatch(/not JSON/);
    expect(judgeStrategySpelling(body({ BatchStrategy: 'MULTI_RECORD' })).message).toMatch(
      /expected MultiRecord/,
    );
    expect(judgeStrategySpelling(http(404)).status).toBe('skip');
  });
});

describe('GPU judges', () => {
  it('reads the GPU count the image reports', async () => {
    const { reportedGpus } = await import('./support/reported-gpus.ts');
    expect(reportedGpus(run({ logs: 'gpus=0\nepoch=1\ngpus=2\n' }), 'gpus=(\\d+)')).toBe(2);
    expect(reportedGpus(run({ logs: 'nothing' }), 'gpus=(\\d+)')).toBeUndefined();
    expect(reportedGpus(run(), undefined)).toBeUndefined();
  });

  it('needs a CPU fallback and the listed count', async () => {
    const { judgeSimulatedGpus } = await import('./train/gpu-simulated.ts');
    expect(judgeSimulatedGpus(run({ logs: 'gpus=2\n' }), 'gpus=(\\d+)').status).toBe('pass');
    expect(judgeSimulatedGpus(run({ logs: 'gpus=0\n' }), 'gpus=(\\d+)').message).toMatch(
      /reported 0 GPUs.*expected the 2/,
    );
    expect(
      judgeSimulatedGpus(run({ exitCode: 1, logs: 'CUDA is not available' }), undefined).message,
    ).toMatch(/fall back to the CPU/);
  });
});
