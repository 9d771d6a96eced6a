import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The machine's download and log cache, as tools/machine/lib.sh names it (MACHINE_CACHE): the
 * recipes' prepare-context.sh scripts keep their downloads there, base image builds their logs.
 */
export function machineCache(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.SAGEMAKER_TEMPLATES_CACHE ||
    join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sagemaker-templates')
  );
}
