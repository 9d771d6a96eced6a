import { BlockedError } from '../../blocked-error.ts';
import type { TrainingObservation } from '../../observations.ts';

/** The last `count` non-empty log lines, indented, for messages. */
export function lastLines(logs: string, count = 10): string {
  const lines = logs.split('\n').filter((l) => l.trim() !== '');
  return lines
    .slice(-count)
    .map((l) => `    | ${l}`)
    .join('\n');
}

/** A short description of how a run ended: "exit 1 after 812 ms". */
export function describeExit(run: TrainingObservation): string {
  if (run.startError) return `could not start (${run.startError})`;
  if (run.timedOut) return `still running after ${Math.round(run.durationMs / 1000)} s`;
  return `exit ${run.exitCode} after ${run.durationMs} ms`;
}

/** Throws BlockedError unless the container at least started. */
export function requireStarted(run: TrainingObservation): void {
  if (run.startError)
    throw new BlockedError('train.invocation', 'the training container did not start');
}

/** Throws BlockedError unless the run exited 0. */
export function requireSuccess(run: TrainingObservation): void {
  requireStarted(run);
  if (run.timedOut || run.exitCode !== 0) {
    throw new BlockedError(
      'train.exit.success',
      `the sample training run did not succeed (${describeExit(run)})`,
    );
  }
}

export function withLogs(message: string, run: TrainingObservation): string {
  const tail = lastLines(run.logs);
  return tail
    ? `${message}. Last log lines:\n${tail}`
    : `${message}. The container printed nothing.`;
}
