import type { CheckContext } from '../../check.ts';

/** The image's shared libraries, or why they could not be listed (reported as skip). */
export async function libraries(ctx: CheckContext): Promise<string[] | string> {
  const found = await ctx.probes.sharedLibraries();
  return found instanceof Error
    ? `not evaluated: the image's files could not be listed with /bin/sh and find (${found.message})`
    : found;
}

/** At most five paths, and how many more. */
export const shortList = (paths: string[]) =>
  `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ` and ${paths.length - 5} more` : ''}`;
