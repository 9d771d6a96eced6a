import { normalizeExecutorSchema } from 'nx/src/command-line/run/executor-utils';
import { createOverrides } from 'nx/src/utils/command-line-utils';
import { combineOptionsForExecutor } from 'nx/src/utils/params';
import { executorSchema } from '../executor-target.ts';

/**
 * The options an executor of this plugin receives for `nx run <project>:<target> ...argv`: parsed
 * as Nx parses the command line, merged over the target's options, given the schema's defaults and
 * checked against it (throws Nx's message for a value the schema refuses).
 */
export function nxOptions<Options = Record<string, unknown>>(
  executor: string,
  argv: string[],
  targetOptions: Record<string, unknown> = {},
): Options {
  // A copy: Nx keeps defaults and flags on the schema object it is given.
  const schema = normalizeExecutorSchema(structuredClone(executorSchema(executor)) as never);
  return combineOptionsForExecutor(
    createOverrides(argv),
    '',
    { options: targetOptions },
    schema,
    'node',
    '',
  ) as Options;
}
