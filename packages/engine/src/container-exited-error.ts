import { quoteLines } from './log-demux.ts';

/** A container stopped while something was waiting for it to do something else. */
export class ContainerExitedError extends Error {
  override readonly name = 'ContainerExitedError';
  constructor(
    readonly container: string,
    readonly exitCode: number,
    readonly waitingFor: string,
    readonly lastLines: string[],
    readonly oomKilled = false,
  ) {
    super(
      `${container} exited with code ${exitCode}${oomKilled ? ' (killed for lack of memory)' : ''} ${waitingFor}. ` +
        `Last ${lastLines.length} log lines:\n${quoteLines(lastLines)}`,
    );
  }
}
