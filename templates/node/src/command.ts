export type Command = 'train' | 'serve';

export const USAGE =
  'Usage: node dist/main.js <train|serve>. SageMaker runs the image as `docker run IMAGE train` for training jobs and `docker run IMAGE serve` for endpoints and batch transform.';

/** The command in argv (after `node main.js`), or an error message for anything else. */
export function parseCommand(args: readonly string[]): { command: Command } | { error: string } {
  const [first] = args;
  if (first === 'train' || first === 'serve') return { command: first };
  return {
    error: `${first === undefined ? 'No command given' : `Unknown command ${JSON.stringify(first)}`}. ${USAGE}`,
  };
}
