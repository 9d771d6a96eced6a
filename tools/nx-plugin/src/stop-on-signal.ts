import type { RunningContainer } from '@sagemaker-templates/engine';

/**
 * On the first Ctrl-C or SIGTERM runs `stop`. A terminal's Ctrl-C reaches nx and the executor's
 * process at once, and nx then sends SIGTERM as well, so repeats within a second count as one; a
 * later one gives up waiting, removes the container and exits 130.
 */
export function stopOnSignal(
  label: string,
  container: RunningContainer,
  stop: () => Promise<unknown>,
  what: string,
): { dispose(): void } {
  let firstAt: number | undefined;
  const handler = () => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      console.error(`[${label}] ${what}; press Ctrl-C again to stop waiting`);
      void stop();
    } else if (Date.now() - firstAt > 1000) {
      void container.remove().finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
