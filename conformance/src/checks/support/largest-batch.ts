import { limits, type SampleRequest } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import type { CheckContext } from '../../check.ts';
import type { HttpExchange } from '../../http-exchange.ts';
import type { ServingSession as Session } from '../../observations.ts';
import { is2xx, once, readySession, requestBody, sampleAnswers } from './serving.ts';

const LINE_TYPES = [
  'text/csv',
  'application/jsonlines',
  'application/jsonl',
  'application/x-jsonlines',
];

/** Repeats the sample's records (lines) until the body is as large as it may be: under `limit` bytes. */
export function growBody(sample: string, limit: number): string {
  const records = sample.split('\n').filter((l) => l.trim() !== '');
  if (records.length === 0) throw new Error('the sample request has no records to repeat');
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const line = `${records[i % records.length]}\n`;
    const bytes = Buffer.byteLength(line);
    if (size + bytes >= limit) break;
    parts.push(line);
    size += bytes;
  }
  return parts.join('');
}

export const lineSample = (requests: SampleRequest[]) =>
  requests.find((r) => LINE_TYPES.includes(r.contentType.split(';')[0]?.trim() ?? ''));

/** The largest valid batch: one exchange shared by serve.payload.6mb and robust.serve.largest-batch. */
export interface LargestBatch {
  sample: SampleRequest;
  bytes: number;
  records: number;
  answer: HttpExchange;
}

/**
 * Of the line-based samples the server answered, the one whose answer grows most per request byte,
 * repeated to just under the limit: the batch most likely to break an answer-size limit (R4).
 */
export function largestBatch(ctx: CheckContext): Promise<LargestBatch> {
  return once(ctx, 'largest-batch', async () => {
    const session = await readySession(ctx);
    const sample = await mostGrowingSample(ctx, await sampleAnswers(ctx));
    if (!sample)
      throw new BlockedError(
        'serve.invocations.content-types',
        'no line-based sample request succeeded',
      );
    return sendBatch(ctx, session, sample, limits.realtimeMaxPayloadBytes);
  });
}

/** Of the line-based samples answered 2xx, the one whose answer grows most per request byte. */
export async function mostGrowingSample(
  ctx: CheckContext,
  answered: { request: SampleRequest; answer: HttpExchange }[],
): Promise<SampleRequest | undefined> {
  const working = answered.filter(
    ({ request, answer }) => is2xx(answer.status) && lineSample([request]),
  );
  const ratios = await Promise.all(
    working.map(async ({ request, answer }) => ({
      request,
      ratio:
        Buffer.byteLength(answer.body) /
        Math.max(1, Buffer.byteLength(await requestBody(ctx, request))),
    })),
  );
  return ratios.reduce<(typeof ratios)[number] | undefined>(
    (a, b) => (!a || b.ratio > a.ratio ? b : a),
    undefined,
  )?.request;
}

/** `sample`'s records repeated to just under `limit` bytes, sent to `session`. */
export async function sendBatch(
  ctx: CheckContext,
  session: Session,
  sample: SampleRequest,
  limit: number,
): Promise<LargestBatch> {
  const body = growBody(await requestBody(ctx, sample), limit);
  const answer = await session.request('/invocations', {
    method: 'POST',
    headers: {
      'Content-Type': sample.contentType,
      ...(sample.accept ? { Accept: sample.accept } : {}),
    },
    body,
  });
  const records = body.split('\n').filter((l) => l.trim() !== '').length;
  return { sample, bytes: Buffer.byteLength(body), records, answer };
}
