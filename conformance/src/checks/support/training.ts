import { gib } from '@sagemaker-templates/engine';
import { BlockedError } from '../../blocked-error.ts';
import { fail, pass, type CheckContext, type Outcome } from '../../check.ts';
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

/**
 * Passes a run that exited 0 within the budget; otherwise fails with what it did instead, the first
 * line of /opt/ml/output/failure and the last log lines. `expected` completes "expected exit ...".
 */
export function judgeSucceeded(
  run: TrainingObservation,
  what: string,
  budgetSeconds: number,
  expected = '0',
): Outcome {
  if (run.timedOut) {
    const late = `training ${what} was still running after ${budgetSeconds} s (budgets.trainingSeconds)`;
    return fail(withLogs(`${late}, expected exit ${expected}`, run));
  }
  if (run.oomKilled) {
    const killed = `training ${what} was killed for lack of memory (exit ${run.exitCode}, OOMKilled)${memoryNote(run)}`;
    return fail(withLogs(`${killed}, expected exit ${expected}`, run), OOM_HINT);
  }
  if (run.exitCode !== 0) {
    const failure = run.failure?.trim()
      ? ` /opt/ml/output/failure says: ${run.failure.trim().split('\n')[0]}`
      : '';
    return fail(
      withLogs(`training ${what} exited ${run.exitCode}, expected ${expected}.${failure}`, run),
    );
  }
  return pass(`training ${what} succeeded (${describeExit(run)})`);
}

const OOM_HINT =
  'Use less memory (smaller batches, data streamed instead of read whole), or declare a larger instanceType in template.json: the smallest instance type the image supports, which the suite sizes its containers as.';

/** `: peak 7.9 GiB of ml.m5.large's 8.0 GiB`, from what the run was sized as and what it used. */
export function memoryNote(run: TrainingObservation): string {
  const peak = run.peakMemoryBytes === undefined ? undefined : gib(run.peakMemoryBytes);
  const limit = run.sizedAs ? `${run.sizedAs.name}'s ${gib(run.sizedAs.memoryBytes)}` : undefined;
  if (peak && limit) return `: peak ${peak} of ${limit}`;
  if (limit) return `: the limit is ${limit}`;
  return peak ? `: peak ${peak}, the host's limit` : '';
}

export const trainsOnly = ({ manifest }: CheckContext): string | undefined =>
  manifest.capabilities.train
    ? undefined
    : 'the image does not train (capabilities.train is false)';
