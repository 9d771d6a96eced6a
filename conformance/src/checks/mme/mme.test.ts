import { describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../observations.ts';
import {
  csv,
  fakeContext,
  http,
  json,
  neverReady,
  outcome,
  ready,
  samples,
} from '../../test-support/fake-context.ts';
import type { FakeRequest, SessionRecording } from '../../test-support/fake-probes.ts';
import { mmeInvoke } from './invoke.ts';
import { mmeList } from './list.ts';
import { mmeLoad } from './load.ts';
import { mmeUnload } from './unload.ts';

const LABELS = { 'com.amazonaws.sagemaker.capabilities.multi-models': 'true' };

/** How a multi-model server may get the API wrong, one way per check. */
type Fault = 'loads twice' | 'lists nothing' | 'invokes anything' | 'never unloads';

/** A multi-model server that keeps track of what it loaded, as the API asks (M2–M5), but for `fault`. */
function mmeServer(fault?: Fault): SessionRecording {
  const loaded = new Map<string, string>();
  const missing = http(404, { body: '{"error": "model not loaded"}' });
  const model = (request: FakeRequest) => decodeURIComponent(request.path.split('/')[2] ?? '');
  const handle = (request: FakeRequest): HttpExchange => {
    const name = model(request);
    if (request.method === 'POST' && request.path === '/models') {
      const { model_name: load, url } = JSON.parse(request.body) as {
        model_name: string;
        url: string;
      };
      if (loaded.has(load) && fault !== 'loads twice') return http(409);
      loaded.set(load, url);
      return json({ status: 'loaded' });
    }
    if (request.method === 'GET' && request.path === '/models')
      return json({
        models:
          fault === 'lists nothing'
            ? []
            : [...loaded].map(([modelName, modelUrl]) => ({ modelName, modelUrl })),
      });
    if (request.method === 'GET')
      return loaded.has(name) ? json({ modelName: name, modelUrl: loaded.get(name) }) : missing;
    if (request.method === 'POST')
      return loaded.has(name) || fault === 'invokes anything' ? csv('0.5\n0.5\n') : missing;
    if (!loaded.has(name)) return missing;
    if (fault !== 'never unloads') loaded.delete(name);
    return json({ status: 'unloaded' });
  };
  return ready([{ path: /^\/models/, answer: handle }]);
}

const mme = (server: SessionRecording, labels: Record<string, string> = LABELS) =>
  fakeContext({
    image: { Config: { Labels: labels } },
    serving: { serving: ready(samples), 'serving:multi-model': server },
  });

describe('multi-model checks over a recorded multi-model server', () => {
  it('walks the API once for all four checks, with the model staged under /opt/ml/models', async () => {
    const ctx = await mme(mmeServer());
    for (const check of [mmeLoad, mmeList, mmeInvoke, mmeUnload])
      expect(await outcome(check, ctx), check.id).toMatchObject({ status: 'pass' });
    expect(ctx.probes.asked.find((a) => a.key === 'serving:multi-model')?.variant).toMatchObject({
      env: { SAGEMAKER_MULTI_MODEL: 'true' },
      multiModelNames: ['conformance-a'],
    });
    const walk = ctx.probes.sent.get('serving:multi-model')!.map((r) => `${r.method} ${r.path}`);
    expect(walk).toEqual([
      'POST /models',
      'POST /models',
      'GET /models',
      'GET /models/conformance-a',
      'POST /models/conformance-a/invoke',
      'POST /models/conformance-never-loaded/invoke',
      'GET /models/conformance-never-loaded',
      'DELETE /models/conformance-a',
      'POST /models/conformance-a/invoke',
      'DELETE /models/conformance-a',
    ]);
  });

  it('mme.load: needs a 409 for a model loaded twice', async () => {
    expect((await outcome(mmeLoad, await mme(mmeServer('loads twice')))).message).toBe(
      'POST /models conformance-a → HTTP 200, the same again → HTTP 200; expected 2xx, then 409',
    );
  });

  it('mme.list: needs the loaded model in GET /models', async () => {
    expect((await outcome(mmeList, await mme(mmeServer('lists nothing')))).message).toMatch(
      /^GET \/models → HTTP 200 without conformance-a in "models"$/,
    );
  });

  it('mme.invoke: needs a 404 for a model never loaded', async () => {
    expect((await outcome(mmeInvoke, await mme(mmeServer('invokes anything')))).message).toMatch(
      /invoke conformance-never-loaded → HTTP 200; expected 2xx, then 404$/,
    );
  });

  it('mme.unload: needs 404s after DELETE', async () => {
    expect((await outcome(mmeUnload, await mme(mmeServer('never unloads')))).message).toMatch(
      /then invoke → HTTP 200, DELETE again → HTTP 200; expected 2xx, 404, 404$/,
    );
  });

  it('fails every multi-model check when the server never gets ready, skips them without the label', async () => {
    const down = await mme(neverReady());
    for (const check of [mmeLoad, mmeList, mmeInvoke, mmeUnload])
      expect((await outcome(check, down)).message, check.id).toMatch(
        /^with SAGEMAKER_MULTI_MODEL=true, \/ping never said 200/,
      );
    const unlabelled = await mme(mmeServer(), {});
    for (const check of [mmeLoad, mmeList, mmeInvoke, mmeUnload])
      expect((await outcome(check, unlabelled)).status, check.id).toBe('skip');
  });
});
