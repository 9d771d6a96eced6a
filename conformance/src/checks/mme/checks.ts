import { labels } from '@sagemaker-templates/contract';
import { fail, pass, skip, type Check, type CheckContext, type Outcome } from '../../check.ts';
import { describeStatus } from '../../http-exchange.ts';
import { readySession, servesOnly } from '../serve/session.ts';
import {
  declaresMme,
  answered2xx,
  MODEL,
  mmeScenario,
  modelUrl,
  show,
  UNKNOWN,
  type MmeScenario,
} from './scenario.ts';

/** Runs `judge` on the walk-through, or skips when the image is not labelled multi-model. */
async function judgeScenario(
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

const common = {
  level: 'must' as const,
  profile: 'serving' as const,
  notApplicable: servesOnly,
};

export const mmeLoad: Check = {
  ...common,
  id: 'mme.load',
  title: 'POST /models loads a model and answers 409 when it is already loaded',
  clauses: 'M1, M2',
  hint: `Serve the multi-model API when SAGEMAKER_MULTI_MODEL=true: POST /models {"model_name", "url"} loads the model from url (under /opt/ml/models) and answers 2xx, and 409 for a name already loaded; or remove the ${labels.multiModels} label.`,
  run: (ctx) =>
    judgeScenario(ctx, (s) =>
      answered2xx(s.load) && s.loadAgain?.status === 409
        ? pass(`load ${MODEL} from ${modelUrl} → ${s.load!.status}; again → 409`)
        : fail(
            `${show(`POST /models ${MODEL}`, s.load)}, ${show('the same again', s.loadAgain)}; expected 2xx, then 409`,
          ),
    ),
};

export const mmeList: Check = {
  ...common,
  id: 'mme.list',
  title: 'GET /models lists loaded models and GET /models/<name> describes one (404 if unknown)',
  clauses: 'M3, M4',
  hint: 'Answer GET /models with {"models": [{"modelName", "modelUrl"}]}, GET /models/<name> with {"modelName", "modelUrl"} (a list of one is accepted too), and 404 for a model that is not loaded.',
  run: (ctx) =>
    judgeScenario(ctx, (s) => {
      const listed = parse(s.list?.body) as { models?: { modelName?: string }[] } | undefined;
      const found = listed?.models?.some((m) => m?.modelName === MODEL);
      const described = parse(s.describe?.body);
      const one = Array.isArray(described) ? described[0] : described;
      const problems = [
        ...(answered2xx(s.list) && found
          ? []
          : [`${show('GET /models', s.list)} without ${MODEL} in "models"`]),
        ...(answered2xx(s.describe) && (one as { modelName?: string })?.modelName === MODEL
          ? []
          : [`${show(`GET /models/${MODEL}`, s.describe)} without modelName ${MODEL}`]),
        ...(s.describeUnknown?.status === 404
          ? []
          : [`${show(`GET /models/${UNKNOWN}`, s.describeUnknown)}, expected 404`]),
      ];
      return problems.length === 0
        ? pass(`GET /models lists ${MODEL}; GET /models/${MODEL} describes it; unknown → 404`)
        : fail(problems.join('; '));
    }),
};

export const mmeInvoke: Check = {
  ...common,
  id: 'mme.invoke',
  title: 'POST /models/<name>/invoke answers for a loaded model and 404 for one never loaded',
  clauses: 'M5',
  hint: 'Route POST /models/<name>/invoke to the named model with the usual Content-Type and Accept handling, and answer 404 when that model is not loaded: SageMaker then loads it and retries.',
  notApplicable: (ctx) =>
    servesOnly(ctx) ??
    (ctx.manifest.conformance.serving?.requests.length
      ? undefined
      : 'template.json has no conformance.serving.requests to send'),
  run: (ctx) =>
    judgeScenario(ctx, (s) =>
      answered2xx(s.invoke) && s.invokeUnknown?.status === 404
        ? pass(`invoke ${MODEL} → ${s.invoke!.status}; invoke ${UNKNOWN} → 404`)
        : fail(
            `${show(`invoke ${MODEL}`, s.invoke)}, ${show(`invoke ${UNKNOWN}`, s.invokeUnknown)}; expected 2xx, then 404`,
          ),
    ),
};

export const mmeUnload: Check = {
  ...common,
  id: 'mme.unload',
  title: 'DELETE /models/<name> unloads: the model answers 404 afterwards',
  clauses: 'M4, M5',
  hint: 'Unload on DELETE /models/<name> (free its memory before answering 2xx), and answer 404 afterwards to invoke and to a second DELETE: SageMaker unloads models under memory pressure and relies on the 404 to load them again.',
  run: (ctx) =>
    judgeScenario(ctx, (s) => {
      const invokedAfter = s.invokeUnloaded === undefined || s.invokeUnloaded.status === 404;
      return answered2xx(s.unload) && invokedAfter && s.unloadAgain?.status === 404
        ? pass(`DELETE ${MODEL} → ${s.unload!.status}; then invoke and DELETE → 404`)
        : fail(
            `${show(`DELETE /models/${MODEL}`, s.unload)}, ${show('then invoke', s.invokeUnloaded)}, ${show('DELETE again', s.unloadAgain)}; expected 2xx, 404, 404`,
          );
    }),
};

function parse(body: string | undefined): unknown {
  try {
    return body === undefined ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}
