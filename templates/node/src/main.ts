import { parseCommand } from './command.ts';
import { exitOnSignals, startServing } from './serve/serve.ts';
import { runTraining } from './train/train.ts';

// PID 1 of the container (exec-form ENTRYPOINT): the signal handlers below are what makes
// `docker stop` and SageMaker's SIGTERM work, since the kernel drops unhandled signals to PID 1.
const parsed = parseCommand(process.argv.slice(2));
if ('error' in parsed) {
  console.error(parsed.error);
  process.exitCode = 2;
} else if (parsed.command === 'train') {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => controller.abort(signal);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.exitCode = await runTraining({ signal: controller.signal });
} else {
  try {
    exitOnSignals(await startServing());
  } catch (error) {
    console.error(`serve failed to start: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
