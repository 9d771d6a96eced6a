import { fail, pass, type Check } from '../../check.ts';
import { answered2xx, judgeScenario, mmeCommon, MODEL, show } from '../support/mme-scenario.ts';

export const mmeUnload: Check = {
  ...mmeCommon,
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
