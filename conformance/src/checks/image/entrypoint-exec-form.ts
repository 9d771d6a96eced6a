import { fail, pass, type Check } from '../../check.ts';

/** Docker stores a shell-form ENTRYPOINT as ["/bin/sh", "-c", "<command>"]. */
export function isShellForm(entrypoint: readonly string[] | null | undefined): boolean {
  if (!entrypoint || entrypoint.length < 3) return false;
  const [executable, flag] = entrypoint;
  return /(^|\/)(ba|da)?sh$/.test(executable ?? '') && flag === '-c';
}

export const entrypointExecForm: Check = {
  id: 'image.entrypoint.exec-form',
  title: 'ENTRYPOINT, if any, is in exec (JSON array) form',
  clauses: 'T2, I1',
  level: 'must',
  profile: 'image',
  hint: 'Write ENTRYPOINT ["executable", "arg"]: the shell form runs your program as a child of /bin/sh, which drops the `train`/`serve` argument and never forwards SIGTERM.',
  async run({ probes }) {
    const entrypoint = (await probes.imageInfo()).Config.Entrypoint as string[] | null | undefined;
    if (!entrypoint || entrypoint.length === 0)
      return pass('no ENTRYPOINT: `train` and `serve` run from PATH');
    if (isShellForm(entrypoint)) {
      return fail(
        `ENTRYPOINT is in shell form (${JSON.stringify(entrypoint)}), expected exec form`,
      );
    }
    return pass(`ENTRYPOINT is exec form: ${JSON.stringify(entrypoint)}`);
  },
};
