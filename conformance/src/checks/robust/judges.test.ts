import { describe, expect, it } from 'vitest';
import { BlockedError } from '../../blocked-error.ts';
import type { HttpExchange } from '../../http-exchange.ts';
import type { TrainingObservation } from '../../observations.ts';
import type { FuzzRun } from '../support/fuzz-run.ts';
import { histogram, judgeGarbage } from './serve-garbage.ts';
import { judgeLargestBatch } from './serve-largest-batch.ts';
import { judgeRecordCount } from './serve-record-count.ts';
import { judgeStrictOutput } from './serve-strict-output.ts';
import {
  garbageRunProblem,
  judgeGarbageTrainings,
  lineNumber,
  names,
} from '../support/training-cases.ts';

const http = (status: number, body = '{}', contentType = 'application/json'): HttpExchange => ({
  status,
  contentType,
  body,
  durationMs: 3,
});
const request = {
  kind: 'deep-nesting',
  what: '[ × 5000',
  sample: 'json',
  method: 'POST' as const,
  headers: {},
  body: undefined,
};
const fuzz = (statuses: number[], over: Partial<FuzzRun> = {}): FuzzRun => ({
  seed: 11,
  planned: statuses.length,
  answers: statuses.map((s) => ({
    request,
    answer: http(s, s === 0 ? 'ECONNRESET' : '{"error": "bad"}'),
  })),
  pingAfter: http(200),
  sampleAfter: http(200),
  lostProcesses: [],
  ...over,
});

describe('robust.serve.garbage', () => {
  it('passes 4xx answers to garbage with a histogram and the seed', () => {
    const outcome = judgeGarbage(fuzz([400, 400, 415, 413]));
    expect(outcome.status).toBe('pass');
    expect(outcome.message).toContain('400×2, 413×1, 415×1');
    expect(outcome.message).toContain('seed 11');
  });

  it('fails 5xx, dropped connections, tracebacks, restarts and a dead server, with the seed to replay', () => {
    expect(judgeGarbage(fuzz([400, 500])).message).toMatch(/1 answered 5xx.*--seed 11/);
    expect(judgeGarbage(fuzz([0])).message).toMatch(/no answer/);
    const traceback = fuzz([400]);
    traceback.answers[0]!.answer.body =
      'Traceback (most recent call last):\n  File "/opt/x.py", line 3';
    expect(judgeGarbage(traceback).message).toMatch(/traceback/);
    expect(judgeGarbage(fuzz([400], { lostProcesses: ['gunicorn: worker'] })).message).toMatch(
      /restarted: gunicorn/,
    );
    expect(judgeGarbage(fuzz([400], { pingAfter: http(0, 'refused') })).status).toBe('fail');
    expect(judgeGarbage(fuzz([400], { sampleAfter: http(503) })).status).toBe('fail');
  });

  it('says when the time budget cut the run short', () => {
    expect(judgeGarbage(fuzz([400], { planned: 10 })).message).toMatch(/1 garbage requests of 10/);
    expect(histogram(fuzz([0, 200]).answers)).toBe('200×1, none×1');
  });
});

describe('robust.serve.strict-output', () => {
  it('fails a 2xx answer with NaN, and ignores error answers', () => {
    const ok = judgeStrictOutput(
      [
        { what: 'a', answer: http(200, '{"p": [1]}') },
        { what: 'b', answer: http(400, 'NaN') },
      ],
      1,
    );
    expect(ok.status).toBe('pass');
    const bad = judgeStrictOutput([{ what: 'sample x', answer: http(200, '{"p": [NaN]}') }], 1);
    expect(bad.status).toBe('fail');
    expect(bad.message).toMatch(/sample x: the JSON answer holds NaN/);
  });
});

describe('robust.serve.record-count', () => {
  const x = (records: number, answer: HttpExchange, damage?: string) => ({
    sample: 's',
    what: `body of ${records}`,
    records,
    answer,
    ...(damage ? { damage } : {}),
  });

  it('passes N predictions for N records and a 4xx for a damaged one', () => {
    const outcome = judgeRecordCount(
      [x(3, http(200, 'a\nb\nc\n', 'text/csv')), x(3, http(400), 'nan')],
      1,
    );
    expect(outcome.status).toBe('pass');
  });

  it('fails a dropped record, and a damaged record that is answered 2xx or 5xx', () => {
    expect(judgeRecordCount([x(3, http(200, 'a\nb\n', 'text/csv'))], 1).message).toMatch(
      /2 predictions, expected 3/,
    );
    expect(judgeRecordCount([x(3, http(200, 'a\nb\n', 'text/csv'), 'nan')], 1).message).toMatch(
      /HTTP 200 with 2 predictions/,
    );
    expect(judgeRecordCount([x(3, http(500), 'nan')], 1).status).toBe('fail');
  });

  it('skips when nothing can be counted', () => {
    expect(judgeRecordCount([], 1).status).toBe('skip');
    expect(judgeRecordCount([x(3, http(200, 'opaque', 'application/x-npy'))], 1).status).toBe(
      'skip',
    );
  });
});

describe('robust.serve.largest-batch', () => {
  const sample = { name: 'csv', contentType: 'text/csv', accept: 'text/csv', body: '1' };
  it('counts predictions, and leaves a refused batch to serve.payload.6mb', () => {
    expect(
      judgeLargestBatch({ sample, bytes: 10, records: 2, answer: http(200, 'a\nb\n', 'text/csv') })
        .status,
    ).toBe('pass');
    expect(
      judgeLargestBatch({ sample, bytes: 10, records: 3, answer: http(200, 'a\nb\n', 'text/csv') })
        .message,
    ).toMatch(/answered 2 predictions.*expected 3/);
    expect(() => judgeLargestBatch({ sample, bytes: 10, records: 3, answer: http(413) })).toThrow(
      BlockedError,
    );
  });
});

describe('robust.train.* judging one run on garbage', () => {
  const run = (over: Partial<TrainingObservation>): TrainingObservation => ({
    exitCode: 1,
    oomKilled: false,
    timedOut: false,
    durationMs: 500,
    logs: '',
    modelFiles: [],
    failure: 'train.csv line 17: nan is not a number',
    successFile: false,
    ...over,
  });
  const training = {
    key: 'k',
    what: 'train.csv line 17: nan',
    mustName: [names('train.csv'), lineNumber(17)],
    variant: {},
  };

  it('wants a non-zero exit and a failure file naming file and line', () => {
    expect(garbageRunProblem({ training, run: run({}) })).toBeUndefined();
    expect(garbageRunProblem({ training, run: run({ exitCode: 0 }) })).toMatch(/exited 0/);
    expect(garbageRunProblem({ training, run: run({ failure: undefined }) })).toMatch(
      /no \/opt\/ml\/output\/failure/,
    );
    expect(
      garbageRunProblem({ training, run: run({ failure: 'train.csv line 170: bad' }) }),
    ).toMatch(/do not name line 17/);
    expect(
      garbageRunProblem({
        training,
        run: run({ failure: `${'x'.repeat(1100)} train.csv line 17` }),
      }),
    ).toMatch(/first 1024 characters/);
    expect(garbageRunProblem({ training, run: run({ timedOut: true }) })).toMatch(/still training/);
  });

  it('matches hyperparameter names with _ and - alike, case-insensitively', () => {
    expect(names('learning_rate').test('Invalid LEARNING-RATE: nan')).toBe(true);
    expect(names('epochs').test('bad value')).toBe(false);
    expect(judgeGarbageTrainings([], 1, 'data').status).toBe('skip');
    expect(
      judgeGarbageTrainings([{ training, run: run({ exitCode: 0 }) }], 3, 'data').message,
    ).toMatch(/--seed 3/);
  });
});
