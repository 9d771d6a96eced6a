import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { HttpExchange, HttpRequest } from '@sagemaker-templates/engine';
import { batchRecords, type Batch } from './batches.ts';
import {
  executionParameters,
  type ExecutionParameters,
  type ExecutionSettings,
} from './execution-parameters.ts';
import { splitRecords, type SplitType } from './records.ts';
import { TransformError } from './transform-error.ts';

/** Where requests go: a serving container (the engine's ServingRun has this shape). */
export interface Endpoint {
  request(
    path: string,
    init: Omit<HttpRequest, 'timeoutMs'> & { timeoutMs?: number },
  ): Promise<HttpExchange>;
}

/** A transform job's settings, named as in CreateTransformJob. */
export interface TransformJob extends ExecutionSettings {
  inputDir: string;
  outputDir: string;
  /** TransformInput.ContentType, sent with every request. */
  contentType?: string | undefined;
  /** TransformOutput.Accept. */
  accept?: string | undefined;
  splitType: SplitType;
  /** Line: a newline after each response (AssembleWith Line); None: responses back to back. */
  assembleWith: 'None' | 'Line';
  /** ModelClientConfig.InvocationsTimeoutInSeconds (default 600). */
  invocationsTimeoutSeconds?: number;
}

/** What one input file became. */
export interface FileResult {
  file: string;
  records: number;
  requests: number;
  /** Lines in its .out file. */
  linesOut: number;
  /** The answers' bodies in request order, before assembly. */
  answers: Buffer[];
}

/** Called as the job goes: once its parameters are settled, then after each file. */
export interface TransformProgress {
  onParameters?(parameters: ExecutionParameters): void;
  onFile?(result: FileResult): void;
}

export interface TransformResult {
  parameters: ExecutionParameters;
  files: FileResult[];
  durationMs: number;
}

/** Every file under `dir`, by path, sorted (as SageMaker lists an S3 prefix). */
async function inputFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: Error) => {
      throw new TransformError(
        `cannot read the input folder ${dir} (${error.message}). Check --input.`,
      );
    },
  );
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Sends `batches` at most `concurrency` at a time; answers in batch order. Fails on the first non-2xx. */
async function sendAll(
  endpoint: Endpoint,
  job: TransformJob,
  concurrency: number,
  batches: Batch[],
  file: string,
): Promise<Buffer[]> {
  const answers: Buffer[] = new Array(batches.length);
  let next = 0;
  const headers = {
    ...(job.contentType ? { 'Content-Type': job.contentType } : {}),
    ...(job.accept ? { Accept: job.accept } : {}),
  };
  const worker = async () => {
    for (let i = next++; i < batches.length; i = next++) {
      const batch = batches[i]!;
      const answer = await endpoint.request('/invocations', {
        method: 'POST',
        headers,
        body: batch.body,
        timeoutMs: (job.invocationsTimeoutSeconds ?? 600) * 1000,
      });
      if (answer.status < 200 || answer.status >= 300) throw failedBatch(file, i, batches, answer);
      answers[i] = answer.raw ?? Buffer.from(answer.body);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return answers;
}

function failedBatch(
  file: string,
  i: number,
  batches: Batch[],
  answer: HttpExchange,
): TransformError {
  const { first, count } = batches[i]!;
  const what = answer.status ? `HTTP ${answer.status}` : `no answer (${answer.body})`;
  const body = answer.status ? `: ${answer.body.replace(/\s+/g, ' ').slice(0, 300)}` : '';
  return new TransformError(
    `${file}: request ${i + 1} of ${batches.length} (records ${first + 1} to ${first + count}) got ${what}${body}. SageMaker fails the job here; fix the server or the input, or send smaller requests (--strategy SingleRecord) to find the record.`,
  );
}

const countLines = (data: Buffer) => data.reduce((n, byte) => (byte === 0x0a ? n + 1 : n), 0);

/** One input file: split, batched, sent, and assembled into `<file>.out` under the output folder. */
async function transformFile(
  endpoint: Endpoint,
  job: TransformJob,
  parameters: ExecutionParameters,
  path: string,
): Promise<FileResult> {
  const file = relative(job.inputDir, path);
  const records = splitRecords(await readFile(path), job.splitType, file);
  const payload = parameters.maxPayloadInMb * 2 ** 20;
  const batches = batchRecords(records, parameters.batchStrategy, payload, file);
  const answers = await sendAll(endpoint, job, parameters.maxConcurrentTransforms, batches, file);
  const newline = Buffer.from('\n');
  const out = Buffer.concat(
    answers.flatMap((a) => (job.assembleWith === 'Line' ? [a, newline] : [a])),
  );
  const target = join(job.outputDir, `${file}.out`);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, out);
  return {
    file,
    records: records.length,
    requests: batches.length,
    linesOut: countLines(out),
    answers,
  };
}

/**
 * Runs a batch transform job against `endpoint` as SageMaker does: asks /execution-parameters,
 * then for each input file (in path order) splits it, batches the records, sends the batches
 * MaxConcurrentTransforms at a time, and writes one `.out` file of the answers in input order.
 */
export async function runTransform(
  endpoint: Endpoint,
  job: TransformJob,
  progress: TransformProgress = {},
): Promise<TransformResult> {
  const started = performance.now();
  const parameters = await executionParameters(endpoint, job);
  progress.onParameters?.(parameters);
  const files: FileResult[] = [];
  for (const path of await inputFiles(job.inputDir)) {
    const result = await transformFile(endpoint, job, parameters, path);
    files.push(result);
    progress.onFile?.(result);
  }
  if (files.length === 0)
    throw new TransformError(
      `the input folder ${job.inputDir} has no files. Point --input at a folder of input files.`,
    );
  return { parameters, files, durationMs: Math.round(performance.now() - started) };
}
