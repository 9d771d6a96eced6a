import { fail, type CheckContext, type Outcome } from '../../check.ts';
import type { TrainingObservation, TrainingVariant } from '../../observations.ts';
import { judgeSucceeded, requireSuccess } from './training.ts';

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
  return judgeSucceeded(run, what, budgetSeconds, '0 like the plain run');
}
