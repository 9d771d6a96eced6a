import { dirname } from 'node:path';
import { onTestFinished } from 'vitest';
import { loadManifest, type TemplateManifest } from '@sagemaker-templates/contract';
import { BlockedError } from '../blocked-error.ts';
import type { Check, CheckContext, Outcome } from '../check.ts';
import { FIXTURE_MANIFEST } from '../fixtures.ts';
import { NATIVE_RUN } from '../platform-run.ts';
import type { HttpExchange, TrainingObservation } from '../observations.ts';
import { FakeProbes, type Recording, type Route, type SessionRecording } from './fake-probes.ts';

const fixtureManifest = loadManifest(FIXTURE_MANIFEST);

export interface FakeContext extends CheckContext {
  probes: FakeProbes;
}

/**
 * A check's context over recorded observations and the fixture algorithm's template.json (every
 * capability on), changed by `edit`; the probes' scratch folders go when the test ends.
 */
export async function fakeContext(
  recording: Recording,
  edit: (manifest: TemplateManifest) => void = () => {},
  fuzz = { seed: 1234, count: 30 },
): Promise<FakeContext> {
  const manifest = structuredClone(await fixtureManifest);
  edit(manifest);
  const probes = new FakeProbes(recording);
  onTestFinished(() => probes.dispose());
  return {
    image: 'fake/image:1',
    manifest,
    manifestDir: dirname(FIXTURE_MANIFEST),
    probes,
    fuzz,
    platform: NATIVE_RUN,
  };
}

/** What the suite reports for `check` over `ctx`: not applicable and blocked become skips; other errors throw. */
export async function outcome(check: Check, ctx: CheckContext): Promise<Outcome> {
  const reason = check.notApplicable?.(ctx);
  if (reason) return { status: 'skip', message: `not applicable: ${reason}` };
  try {
    return await check.run(ctx);
  } catch (error) {
    if (error instanceof BlockedError) return { status: 'skip', message: error.message };
    throw error;
  }
}

/** A successful sample training run; `over` changes it. */
export const trained = (over: Partial<TrainingObservation> = {}): TrainingObservation => ({
  exitCode: 0,
  oomKilled: false,
  timedOut: false,
  durationMs: 900,
  logs: 'gpus=0\nepoch=1 loss=0.5\n',
  modelFiles: [{ path: 'model.json', size: 120 }],
  failure: undefined,
  successFile: false,
  ...over,
});

/** A run that exited 1 and said why in /opt/ml/output/failure. */
export const failed = (over: Partial<TrainingObservation> = {}): TrainingObservation =>
  trained({ exitCode: 1, modelFiles: [], failure: 'something is wrong', logs: 'error\n', ...over });

export const http = (status: number, over: Partial<HttpExchange> = {}): HttpExchange => ({
  status,
  contentType: 'application/json',
  body: '{}',
  durationMs: 5,
  ...over,
});

export const csv = (body: string, status = 200) => http(status, { contentType: 'text/csv', body });
export const json = (value: unknown, status = 200) => http(status, { body: JSON.stringify(value) });

/** Answers /ping with 200. */
export const pingOk: Route = { method: 'GET', path: '/ping', answer: http(200, { body: '' }) };

/**
 * The fixture manifest's two sample requests answered as a working model does: `1,2\n3,4\n` (CSV)
 * with two predictions, `{"instances": [[1, 2]]}` with one.
 */
export const samples: Route[] = [
  {
    method: 'POST',
    path: '/invocations',
    headers: { 'content-type': 'text/csv' },
    body: (b) => b === '1,2\n3,4\n',
    answer: csv('0.5\n0.5\n'),
  },
  {
    method: 'POST',
    path: '/invocations',
    headers: { 'content-type': 'application/json' },
    body: (b) => b === '{"instances": [[1, 2]]}',
    answer: json({ predictions: [0.5] }),
  },
];

/** A serving container that said 200 on /ping after 150 ms, answering /ping and `routes`. */
export const ready = (routes: Route[], over: Partial<SessionRecording> = {}): SessionRecording => ({
  readyAfterMs: 150,
  pings: [http(503), http(200, { body: '' })],
  routes: [pingOk, ...routes],
  ...over,
});

/** A serving container whose /ping never said 200. */
export const neverReady = (status = 503): SessionRecording => ({
  pings: [http(status, { body: 'model not loaded' })],
  routes: [{ answer: http(status, { body: 'model not loaded' }) }],
});
