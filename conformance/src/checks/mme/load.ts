import { labels } from '@sagemaker-templates/contract';
import { fail, pass, type Check } from '../../check.ts';
import {
  answered2xx,
  judgeScenario,
  mmeCommon,
  MODEL,
  modelUrl,
  show,
} from '../support/mme-scenario.ts';

export const mmeLoad: Check = {
  ...mmeCommon,
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
