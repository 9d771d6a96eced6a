import { fail, pass, type Check } from '../../check.ts';
import { imageEntrypoint, isShellForm } from '../support/entrypoint.ts';

const INITS = /^(tini|tini-static|docker-init|dumb-init)$/;

/** The init program an ENTRYPOINT starts with, if it is tini or one of its kin. */
export function initProgram(entrypoint: readonly string[] | null | undefined): string | undefined {
  if (!entrypoint || entrypoint.length === 0) return undefined;
  const first = isShellForm(entrypoint)
    ? (entrypoint[2] ?? '').trim().split(/\s+/)[0]
    : entrypoint[0];
  const name = (first ?? '').split('/').pop() ?? '';
  return INITS.test(name) ? name : undefined;
}

export const entrypointNoTini: Check = {
  id: 'image.entrypoint.no-tini',
  title: 'ENTRYPOINT is not tini',
  clauses: 'T5',
  level: 'must',
  profile: 'image',
  hint: 'Make your program the ENTRYPOINT and handle SIGTERM in it; SageMaker documents that tini "gets confused by the train and serve arguments".',
  async run({ probes }) {
    const entrypoint = await imageEntrypoint(probes);
    const init = initProgram(entrypoint);
    if (init)
      return fail(
        `ENTRYPOINT starts with ${init} (${JSON.stringify(entrypoint)}), expected the algorithm itself`,
      );
    return pass('ENTRYPOINT does not use tini');
  },
};
