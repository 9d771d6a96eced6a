import { fail, pass, type CheckContext, type Outcome } from '../../check.ts';
import type { TrainingObservation, TrainingVariant } from '../../observations.ts';
import { describeExit, requireSuccess, withLogs } from './training.ts';

/**
 * Runs the sample training once more, changed by `variant`, and expects it to succeed too. Blocked
 * when the plain sample run failed, so one broken image does not fail every variant.
 */
export async function judgeVariantRun(
  ctx: CheckContext,
  key: string,
  variant: TrainingVariant,
  what: string,
): Promise<Outcome> {
  requireSuccess(await ctx.probes.training());
  const run = await ctx.probes.trainingVariant(key, variant);
  return judgeVariantOutcome(run, what, ctx.manifest.budgets.trainingSeconds);
}

export function judgeVariantOutcome(
  run: TrainingObservation,
  what: string,
  budgetSeconds: number,
): Outcome {
  if (run.startError) return fail(`training ${what} could not start: ${run.startError}`);
  if (run.timedOut)
    return fail(
      withLogs(
        `training ${what} was still running after ${budgetSeconds} s, expected it to succeed like the plain run`,
        run,
      ),
    );
  if (run.exitCode !== 0) {
    const failure = run.failure?.trim()
      ? ` /opt/ml/output/failure says: ${run.failure.trim().split('\n')[0]}`
      : '';
    return fail(
      withLogs(
        `training ${what} exited ${run.exitCode}, expected 0 like the plain run.${failure}`,
        run,
      ),
    );
  }
  return pass(`training ${what} succeeded (${describeExit(run)})`);
}

export const trainsOnly = ({ manifest }: CheckContext): string | undefined =>
  manifest.capabilities.train
    ? undefined
    : 'the image does not train (capabilities.train is false)';
