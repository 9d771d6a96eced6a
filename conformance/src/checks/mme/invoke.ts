import { fail, pass, type Check } from '../../check.ts';
import {
  answered2xx,
  judgeScenario,
  mmeCommon,
  MODEL,
  show,
  UNKNOWN,
} from '../support/mme-scenario.ts';
import { servesOnly } from '../support/serving.ts';

export const mmeInvoke: Check = {
  ...mmeCommon,
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
