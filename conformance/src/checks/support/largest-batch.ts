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

/** A sample's records (lines) repeated, in order, to just under a size: what growBody sends. */
export interface GrownPlan {
  /** Every record of the sample once, each ending in a newline. */
  cycle: string;
  /** How many whole cycles, then the records of the last partial one. */
  cycles: number;
  tail: string;
  bytes: number;
  records: number;
}

/** Plans `sample`'s records repeated until the body is as large as it may be: under `limit` bytes. */
export function planGrowth(sample: string, limit: number): GrownPlan {
  const records = sample.split('\n').filter((l) => l.trim() !== '');
  if (records.length === 0) throw new Error('the sample request has no records to repeat');
  const cycle = records.map((r) => `${r}\n`).join('');
  const cycleBytes = Buffer.byteLength(cycle);
  const cycles = Math.floor((limit - 1) / cycleBytes);
  let bytes = cycles * cycleBytes;
  let tail = '';
  let extra = 0;
  for (const record of records) {
    const line = `${record}\n`;
    if (bytes + Buffer.byteLength(line) >= limit) break;
    tail += line;
    bytes += Buffer.byteLength(line);
    extra++;
  }
  return { cycle, cycles, tail, bytes, records: cycles * records.length + extra };
}

/** Repeats the sample's records (lines) until the body is as large as it may be: under `limit` bytes. */
export function growBody(sample: string, limit: number): string {
  const plan = planGrowth(sample, limit);
  return plan.cycle.repeat(plan.cycles) + plan.tail;
}

const CHUNK_BYTES = 1024 * 1024;

/** The planned body as ~1 MiB chunks, made as they are pulled: a 1 GB body is never held here. */
export async function* grownChunks(plan: GrownPlan): AsyncIterable<Buffer> {
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / Buffer.byteLength(plan.cycle)));
  const chunk = Buffer.from(plan.cycle.repeat(perChunk));
  let left = plan.cycles;
  for (; left >= perChunk; left -= perChunk) yield chunk;
  if (left > 0) yield Buffer.from(plan.cycle.repeat(left));
  if (plan.tail) yield Buffer.from(plan.tail);
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
