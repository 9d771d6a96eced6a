import { labels, paths } from '@sagemaker-templates/contract';
import { fail, skip, type CheckContext, type Outcome } from '../../check.ts';
import { describeStatus, excerpt, type HttpExchange } from '../../http-exchange.ts';
import {
  firstWorkingSample,
  is2xx,
  once,
  readySession,
  requestBody,
  servesOnly,
} from './serving.ts';

export const MODEL = 'conformance-a';
export const UNKNOWN = 'conformance-never-loaded';
const modelUrl = `${paths.models}/${MODEL}/model`;

/** Every answer of the multi-model API walk-through, in the order it was sent. */
export interface MmeScenario {
  ready: boolean;
  pings: HttpExchange[];
  load?: HttpExchange;
  loadAgain?: HttpExchange;
  list?: HttpExchange;
  describe?: HttpExchange;
  invoke?: HttpExchange;
  invokeUnknown?: HttpExchange;
  describeUnknown?: HttpExchange;
  unload?: HttpExchange;
  invokeUnloaded?: HttpExchange;
  unloadAgain?: HttpExchange;
}

/** Whether the image declares multi-model support (M1); the profile runs only then. */
export async function declaresMme(ctx: CheckContext): Promise<boolean> {
  const info = await ctx.probes.imageInfo();
  return info.Config.Labels?.[labels.multiModels] === 'true';
}

/**
 * One container with SAGEMAKER_MULTI_MODEL=true and the model staged at /opt/ml/models/<name>/model,
 * then the API in the order a real endpoint uses it (M2–M5): load, load again, list, describe,
 * invoke, the same for a model never loaded, unload, invoke and unload again.
 */
export function mmeScenario(ctx: CheckContext): Promise<MmeScenario> {
  return once(ctx, 'mme-scenario', async () => {
    const session = await ctx.probes.servingVariant('multi-model', {
      env: { SAGEMAKER_MULTI_MODEL: 'true' },
      multiModelNames: [MODEL],
      label: 'SAGEMAKER_MULTI_MODEL=true',
    });
    if (session.readyAfterMs === undefined) return { ready: false, pings: session.pings };
    const json = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
      session.request(path, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    // A request the plain server answered, so a broken content type fails only its own check.
    const sample = ctx.manifest.conformance.serving?.requests.length
      ? await firstWorkingSample(ctx)
      : undefined;
    const invoke = async (name: string) =>
      sample
        ? session.request(`/models/${name}/invoke`, {
            method: 'POST',
            headers: {
              'Content-Type': sample.contentType,
              ...(sample.accept ? { Accept: sample.accept } : {}),
              'X-Amzn-SageMaker-Target-Model': `${name}.tar.gz`,
            },
            body: await requestBody(ctx, sample),
          })
        : undefined;
    const load = await json('POST', '/models', { model_name: MODEL, url: modelUrl });
    const loadAgain = await json('POST', '/models', { model_name: MODEL, url: modelUrl });
    return {
      ready: true,
      pings: session.pings,
      load,
      loadAgain,
      list: await json('GET', '/models'),
      describe: await json('GET', `/models/${MODEL}`),
      invoke: await invoke(MODEL),
      invokeUnknown: await invoke(UNKNOWN),
      describeUnknown: await json('GET', `/models/${UNKNOWN}`),
      unload: await json('DELETE', `/models/${MODEL}`),
      invokeUnloaded: await invoke(MODEL),
      unloadAgain: await json('DELETE', `/models/${MODEL}`),
    };
  });
}

/** A 2xx answer (undefined: the request was never sent). */
export const answered2xx = (x?: HttpExchange) => x !== undefined && is2xx(x.status);
export const show = (what: string, x?: HttpExchange) =>
  x
    ? `${what} → ${describeStatus(x)}${answered2xx(x) ? '' : ` ${excerpt(x.body, 120)}`}`
    : `${what}: not sent`;
export { modelUrl };

/** Runs `judge` on the walk-through, or skips when the image is not labelled multi-model. */
export async function judgeScenario(
  ctx: CheckContext,
  judge: (s: MmeScenario) => Outcome,
): Promise<Outcome> {
  if (!(await declaresMme(ctx)))
    return skip(`not applicable: the image does not carry ${labels.multiModels}=true`);
  await readySession(ctx); // a server that never starts fails serve.ping.ok instead
  const scenario = await mmeScenario(ctx);
  if (!scenario.ready) {
    const last = scenario.pings.at(-1);
    return fail(
      `with SAGEMAKER_MULTI_MODEL=true, /ping never said 200 (last: ${last ? describeStatus(last) : 'nothing'}); the image is labelled ${labels.multiModels}=true`,
    );
  }
  return judge(scenario);
}

/** What the four multi-model checks share. */
export const mmeCommon = {
  level: 'must' as const,
  profile: 'serving' as const,
  notApplicable: servesOnly,
};

/** The body as JSON, or undefined. */
export function parse(body: string | undefined): unknown {
  try {
    return body === undefined ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}
