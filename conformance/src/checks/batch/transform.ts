import { fail, pass, skip, type Check, type Outcome } from '../../check.ts';
import { excerpt } from '../../http-exchange.ts';
import { lineSample } from '../support/largest-batch.ts';
import { TRANSFORM_JOB, transformRun, type TransformRun } from '../support/transform-run.ts';
import { batchOnly } from './environment.ts';

/** Numbers within 1e-4 (relative) of each other: a batch may be computed in another order than one row. */
const near = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));

/** Two predictions of one record: equal cell by cell, numbers within rounding. */
export function samePrediction(a: string, b: string): boolean {
  const split = (text: string) => text.split(/([,\s[\]{}:"]+)/);
  const [x, y] = [split(a), split(b)];
  return (
    x.length === y.length &&
    x.every((cell, i) => {
      const other = y[i]!;
      const [m, n] = [Number(cell), Number(other)];
      return (
        cell === other ||
        (cell.trim() !== '' && Number.isFinite(m) && Number.isFinite(n) && near(m, n))
      );
    })
  );
}

/** N records in, N predictions out, in input order: each as the record got alone (B4, R3). */
export function judgeTransform(run: TransformRun): Outcome {
  const n = run.order.length;
  const job = `a file of ${n} records in MultiRecord batches of at most ${TRANSFORM_JOB.maxPayloadInMb} MB, ${TRANSFORM_JOB.maxConcurrentTransforms} at a time`;
  if ('error' in run.out) return fail(`${job}: the job failed: ${run.out.error}`);
  const out = run.out;
  if (run.alone.every((p) => p === undefined))
    return skip(`${job}: no record sent alone got exactly one prediction to compare with`);
  if (out.length !== n)
    return fail(
      `${job} (${run.requests} requests): ${out.length} predictions out, expected ${n}, one per record`,
    );
  const wrong = run.order.findIndex((distinct, i) => {
    const expected = run.alone[distinct];
    return expected !== undefined && !samePrediction(out[i]!, expected);
  });
  if (wrong >= 0)
    return fail(
      `${job}: record ${wrong + 1} got ${excerpt(out[wrong]!, 80)}, but that record alone gets ${excerpt(run.alone[run.order[wrong]!]!, 80)}: the predictions are out of order or mixed up`,
    );
  return pass(
    `${job} (${run.requests} requests) → ${n} predictions in order, each as its record alone gets`,
  );
}

export const batchTransform: Check = {
  id: 'batch.transform',
  title: 'A local batch transform job: N records in, N predictions out, in order',
  clauses: 'B4, R3, L11',
  level: 'must',
  profile: 'serving',
  phase: 'load',
  hint: 'Answer a MultiRecord batch with one prediction per record, in the order of the records, whatever the batch size: batch transform writes the answers back to back and users join them to the input by line. Never drop, merge or reorder records (a cache keyed by record, a pool that answers as it finishes).',
  notApplicable: (ctx) =>
    batchOnly(ctx) ??
    (lineSample(ctx.manifest.conformance.serving?.requests ?? [])
      ? undefined
      : 'no sample request in a line-based format (text/csv, application/jsonlines) to split by line'),
  run: async (ctx) => judgeTransform(await transformRun(ctx)),
};
