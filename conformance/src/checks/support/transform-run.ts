import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SampleRequest } from '@sagemaker-templates/contract';
import { runTransform, TransformError } from '@sagemaker-templates/transform';
import { BlockedError } from '../../blocked-error.ts';
import type { CheckContext } from '../../check.ts';
import { batchSession } from '../batch/environment.ts';
import { Random } from '../../robustness/random.ts';
import { answerRecords } from '../../robustness/records.ts';
import { lineSample } from './largest-batch.ts';
import { invoke, is2xx, once, requestBody, sampleAnswers } from './serving.ts';

/** The job: MultiRecord batches of at most 1 MB, two at a time, over a file a little larger. */
export const TRANSFORM_JOB = {
  maxPayloadInMb: 1,
  maxConcurrentTransforms: 2,
  fileBytes: 1.25 * 2 ** 20,
};

/** What a local transform job over the sample's records gave, next to each record sent alone. */
export interface TransformRun {
  sample: SampleRequest;
  /** The records of the input file, in order, as indexes into `alone`. */
  order: number[];
  /** Each distinct record's prediction when sent alone (undefined: it did not get exactly one). */
  alone: (string | undefined)[];
  /** What the job wrote for the file, records in order; or why it failed. */
  out: string[] | { error: string };
  requests: number;
}

const BATCH = 'SAGEMAKER_BATCH=true' as const;

/** The batch container of batch.environment (SageMaker's spelling), once ready. */
async function readyBatchSession(ctx: CheckContext) {
  const session = await batchSession(ctx, BATCH);
  if (session.readyAfterMs === undefined)
    throw new BlockedError('batch.environment', `the server never became ready with ${BATCH}`);
  return session;
}

/** Each distinct record alone: its prediction when it got exactly one, and the answers' type. */
async function predictAlone(ctx: CheckContext, sample: SampleRequest, records: string[]) {
  const session = await readyBatchSession(ctx);
  let answerType = sample.accept ?? sample.contentType;
  const alone = await Promise.all(
    records.map(async (record) => {
      const answer = await invoke(ctx, session, { ...sample, body: record });
      if (!is2xx(answer.status)) return undefined;
      answerType = answer.contentType || answerType;
      const out = answerRecords(answer.contentType, answer.body);
      return out?.length === 1 ? out[0] : undefined;
    }),
  );
  return { alone, answerType };
}

/** The sample's distinct records in a seeded order, repeated to a file of TRANSFORM_JOB.fileBytes. */
function inputOrder(ctx: CheckContext, records: string[]): number[] {
  const random = new Random(ctx.fuzz.seed).fork('batch.transform');
  const order: number[] = [];
  for (let bytes = 0; bytes < TRANSFORM_JOB.fileBytes;) {
    const i = random.int(0, records.length - 1);
    order.push(i);
    bytes += Buffer.byteLength(records[i]!);
  }
  return order;
}

/** Runs the job (shared by the checks that judge it); blocked without a line-based sample. */
export function transformRun(ctx: CheckContext): Promise<TransformRun> {
  return once(ctx, 'transform-run', async () => {
    // A line-based sample the plain server answered: a broken content type fails its own check.
    const working = (await sampleAnswers(ctx)).filter(({ answer }) => is2xx(answer.status));
    const sample = lineSample(working.map(({ request }) => request));
    if (!sample)
      throw new BlockedError(
        'serve.invocations.content-types',
        'no line-based sample request succeeded',
      );
    const lines = (await requestBody(ctx, sample)).split('\n').filter((l) => l.trim() !== '');
    const records = [...new Set(lines)].map((l) => `${l}\n`);
    const { alone, answerType } = await predictAlone(ctx, sample, records);
    const order = inputOrder(ctx, records);
    const dir = await ctx.probes.scratchDir('transform');
    await mkdir(join(dir, 'in'));
    await writeFile(join(dir, 'in', 'records'), order.map((i) => records[i]).join(''));
    const job = {
      inputDir: join(dir, 'in'),
      outputDir: join(dir, 'out'),
      contentType: sample.contentType,
      accept: sample.accept,
      splitType: 'Line',
      assembleWith: 'Line',
      batchStrategy: 'MultiRecord',
      ...TRANSFORM_JOB,
    } as const;
    try {
      const { files } = await runTransform(await readyBatchSession(ctx), job);
      const out = files[0]!.answers.flatMap(
        (a) => answerRecords(answerType, a.toString('utf8')) ?? [],
      );
      return { sample, order, alone, out, requests: files[0]!.requests };
    } catch (error) {
      if (!(error instanceof TransformError)) throw error;
      return { sample, order, alone, out: { error: error.message }, requests: 0 };
    }
  });
}
