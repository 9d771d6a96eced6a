import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { imageEntrypoint, isShellForm } from '../support/entrypoint.ts';

/** Passes no ENTRYPOINT or one in exec form; fails the shell form (`/bin/sh -c ...`). */
export function judgeEntrypointForm(entrypoint: string[] | undefined): Outcome {
  if (!entrypoint || entrypoint.length === 0)
    return pass('no ENTRYPOINT: `train` and `serve` run from PATH');
  if (isShellForm(entrypoint))
    return fail(`ENTRYPOINT is in shell form (${JSON.stringify(entrypoint)}), expected exec form`);
  return pass(`ENTRYPOINT is exec form: ${JSON.stringify(entrypoint)}`);
}

export const entrypointExecForm: Check = {
  id: 'image.entrypoint.exec-form',
  title: 'ENTRYPOINT, if any, is in exec (JSON array) form',
  clauses: 'T2, I1',
  level: 'must',
  profile: 'image',
  hint: 'Write ENTRYPOINT ["executable", "arg"]: the shell form runs your program as a child of /bin/sh, which drops the `train`/`serve` argument and never forwards SIGTERM.',
  run: ({ probes }) => imageEntrypoint(probes).then(judgeEntrypointForm),
};
