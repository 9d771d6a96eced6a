import { limits } from '@sagemaker-templates/contract';
import { fail, pass, skip, type Check, type CheckContext, type Outcome } from '../../check.ts';
import type { TrainingObservation, TrainingVariant } from '../../observations.ts';
import { mapLimit } from '../../robustness/map-limit.ts';
import { describeExit, requireSuccess, trainsOnly } from './training.ts';
import { replay } from './fuzz-run.ts';

/** Training containers of one robustness check in flight at once. */
const CONCURRENCY = 2;

/** One training run on garbage, and what its failure file must name. */
export interface GarbageTraining {
  key: string;
  what: string;
  /** Each must appear in the first 1024 characters of the failure file (R5, R6). */
  mustName: Matcher[];
  variant: TrainingVariant;
}

/** Something the failure text must mention: `label` in messages, `test` on the text. */
export interface Matcher {
  label: string;
  test(text: string): boolean;
}

/** A word, case-insensitive, with `_` and `-` taken as the same (`learning_rate`, `learning-rate`). */
export const names = (...alternatives: string[]): Matcher => {
  const pattern = alternatives
    .map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[_-]/g, '[_-]'))
    .join('|');
  const regex = new RegExp(`(${pattern})`, 'i');
  return { label: alternatives.map((a) => `"${a}"`).join(' or '), test: (t) => regex.test(t) };
};

/** A line number, standing alone (17, not 170 or 2017). */
export const lineNumber = (line: number): Matcher => {
  const regex = new RegExp(`(?<![\\d.])${line}(?![\\d.])`);
  return { label: `line ${line}`, test: (t) => regex.test(t) };
};

/** Training cases for one check: a sixtieth of the fuzz count, at least 3 (3 by default). */
export const trainingCaseCount = (fuzzCount: number) => Math.max(3, Math.floor(fuzzCount / 60));

export interface GarbageOutcome {
  training: GarbageTraining;
  run: TrainingObservation;
}

/** Runs the cases, a few at a time, once the sample run has shown the image trains at all. */
export async function runGarbageTrainings(
  ctx: CheckContext,
  cases: GarbageTraining[],
): Promise<GarbageOutcome[]> {
  requireSuccess(await ctx.probes.training());
  const runs = await mapLimit(cases, CONCURRENCY, async (training) => ({
    training,
    run: await ctx.probes.trainingVariant(training.key, {
      ...training.variant,
      fault: training.what,
    }),
  }));
  return runs.filter((r): r is GarbageOutcome => r !== undefined);
}

/** What is wrong with one run on garbage, or undefined when it failed loudly and usefully. */
export function garbageRunProblem({ training, run }: GarbageOutcome): string | undefined {
  const what = training.what;
  if (run.startError) return `${what}: the container could not start (${run.startError})`;
  if (run.timedOut)
    return `${what}: still training after ${Math.round(run.durationMs / 1000)} s, expected a quick failure`;
  if (run.exitCode === 0)
    return `${what}: exited 0, so SageMaker would mark the job Completed with a model trained on garbage`;
  const reason = (run.failure ?? '').slice(0, limits.failureReasonChars);
  if (!reason.trim()) return `${what}: ${describeExit(run)} but wrote no /opt/ml/output/failure`;
  const missing = training.mustName.filter((m) => !m.test(reason));
  if (missing.length > 0)
    return `${what}: the failure file's first ${limits.failureReasonChars} characters do not name ${missing.map((m) => m.label).join(' and ')}: ${JSON.stringify(reason.split('\n')[0]!.slice(0, 160))}`;
  return undefined;
}

export function judgeGarbageTrainings(
  outcomes: GarbageOutcome[],
  seed: number,
  noun: string,
): Outcome {
  if (outcomes.length === 0) return skip(`not applicable: no ${noun} to make garbage of`);
  const problems = outcomes.flatMap((o) => garbageRunProblem(o) ?? []);
  if (problems.length > 0)
    return fail(
      `${problems.length} of ${outcomes.length} runs on garbage ${noun}: ${problems.join('; ')}; ${replay(seed)}`,
    );
  const exits = [...new Set(outcomes.map((o) => o.run.exitCode))].join(', ');
  return pass(
    `${outcomes.length} runs on garbage ${noun} (seed ${seed}) each failed (exit ${exits}) with a failure file naming the cause: ${outcomes.map((o) => o.training.what).join('; ')}`,
  );
}

/**
 * The phase and body of a garbage-training check: runs the cases `make` draws and judges them. The
 * runs go beside the serving fuzz, which leaves CPU idle, rather than among the container starts.
 */
export function garbageTrainingCheck(
  noun: string,
  make: (ctx: CheckContext) => Promise<GarbageTraining[]>,
): Pick<Check, 'phase' | 'notApplicable' | 'run'> {
  return {
    phase: 'fuzz',
    notApplicable: trainsOnly,
    run: async (ctx) =>
      judgeGarbageTrainings(await runGarbageTrainings(ctx, await make(ctx)), ctx.fuzz.seed, noun),
  };
}
