import type { Probes } from '../../check.ts';

/** The image's ENTRYPOINT as the engine stores it (always an array; the shell form is wrapped). */
export async function imageEntrypoint(probes: Probes): Promise<string[] | undefined> {
  const entrypoint = (await probes.imageInfo()).Config.Entrypoint;
  if (entrypoint === null || entrypoint === undefined) return undefined;
  return typeof entrypoint === 'string' ? [entrypoint] : entrypoint;
}

/** Docker stores a shell-form ENTRYPOINT as ["/bin/sh", "-c", "<command>"]. */
export function isShellForm(entrypoint: readonly string[] | null | undefined): boolean {
  if (!entrypoint || entrypoint.length < 3) return false;
  const [executable, flag] = entrypoint;
  return /(^|\/)(ba|da)?sh$/.test(executable ?? '') && flag === '-c';
}
