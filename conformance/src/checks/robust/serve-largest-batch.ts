import { limits } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { countAnswerRecords } from '../../robustness/records.ts';
import { is2xx } from '../support/serving.ts';
import { largestBatch, type LargestBatch } from '../support/largest-batch.ts';
import { servePayloadLimit } from '../serve/payload-6mb.ts';
import { scaledMs } from '../../platform-run.ts';

/** The largest valid batch gets one prediction per record, within the invocation limit (R4). */
export function judgeLargestBatch(
  { sample, bytes, records, answer }: LargestBatch,
  limitMs: number = limits.invocationsTimeoutMs,
): Outcome {
  if (!is2xx(answer.status))
    throw new BlockedError('serve.payload.6mb', `the ${bytes}-byte batch was not answered 2xx`);
  const what = `${bytes} bytes (${records} records) of ${sample.contentType}${sample.accept ? ` → ${sample.accept}` : ''}`;
  if (answer.durationMs > limitMs)
    return fail(`${what} took ${answer.durationMs} ms, over the ${limitMs} ms invocation limit`);
  const got = countAnswerRecords(answer.contentType, answer.body);
  if (got === undefined)
    return pass(
      `${what} → ${answer.status} in ${answer.durationMs} ms (${answer.body.length} bytes; its records cannot be counted in ${answer.contentType})`,
    );
  if (got !== records)
    return fail(
      `${what} answered ${got} predictions in ${answer.durationMs} ms, expected ${records}: one per record`,
    );
  return pass(
    `${what} → ${got} predictions (${Buffer.byteLength(answer.body)} bytes) in ${answer.durationMs} ms`,
  );
}

export const robustServeLargestBatch: Check = {
  id: 'robust.serve.largest-batch',
  title: 'The largest valid batch gets one prediction per record within 60 s',
  clauses: 'R4, I6, I7',
  level: 'must',
  profile: 'robustness',
  phase: 'load',
  hint: 'Raise every answer-size limit to what the largest batch needs (TorchServe: max_response_size via TS_MAX_RESPONSE_SIZE; nginx: proxy buffers), and make prediction over a full 6 MB batch fast enough: vectorize, and avoid per-row Python work.',
  notApplicable: servePayloadLimit.notApplicable!,
  run: async (ctx) =>
    judgeLargestBatch(await largestBatch(ctx), scaledMs(ctx.platform, limits.invocationsTimeoutMs)),
};
