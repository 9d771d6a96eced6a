import { fail, pass, type Check } from '../../check.ts';
import {
  answered2xx,
  judgeScenario,
  mmeCommon,
  MODEL,
  parse,
  show,
  UNKNOWN,
} from '../support/mme-scenario.ts';

export const mmeList: Check = {
  ...mmeCommon,
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
