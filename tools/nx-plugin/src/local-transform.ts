import { resolve } from 'node:path';
import { limits } from '@sagemaker-templates/contract';
import { ServingRun } from '@sagemaker-templates/engine';
import {
  runTransform,
  transformEnvironment,
  type BatchStrategy,
  type FileResult,
  type SplitType,
} from '@sagemaker-templates/transform';
import { lastTrainedModel } from './local-serve.ts';
import {
  gpus,
  instanceResources,
  LocalRunError,
  pairs,
  startLocalRun,
  type GpuChoice,
} from './local-run-inputs.ts';

/** Options of the transform target (src/executors/transform/schema.json), named as CreateTransformJob's. */
export interface TransformOptions {
  input: string;
  output: string;
  model?: string;
  'content-type'?: string;
  accept?: string;
  'split-type': SplitType;
  strategy?: BatchStrategy;
  'max-payload-in-mb'?: number;
  'max-concurrent-transforms'?: number;
  'assemble-with': 'None' | 'Line';
  'invocations-timeout-seconds': number;
  env?: string[];
  gpus: GpuChoice;
  'instance-type'?: string;
}

/** MaxConcurrentTransforms × MaxPayloadInMB may not exceed 100 (B4): refused before anything starts. */
function checkLimits(options: TransformOptions): void {
  const concurrency = options['max-concurrent-transforms'];
  const payload = options['max-payload-in-mb'];
  if (
    concurrency !== undefined &&
    payload !== undefined &&
    concurrency * payload > limits.batchMaxPayloadMb
  )
    throw new LocalRunError(
      `--max-concurrent-transforms ${concurrency} × --max-payload-in-mb ${payload} is ${concurrency * payload} MB; SageMaker allows at most ${limits.batchMaxPayloadMb}. Lower one of them.`,
    );
}

const describeFile = (f: FileResult) =>
  `${f.file}: ${f.records} record${f.records === 1 ? '' : 's'} in ${f.requests} request${f.requests === 1 ? '' : 's'} → ${f.file}.out (${f.linesOut} lines)`;

/**
 * `nx run <template>:transform`: a batch transform job as SageMaker runs one, on this machine: the
 * image served with SAGEMAKER_BATCH and the job's settings in its environment and the model
 * read-only at /opt/ml/model, then every file of --input split, batched and sent, and one `.out`
 * file per input file written under --output.
 */
export async function localTransform(root: string, options: TransformOptions): Promise<boolean> {
  checkLimits(options);
  const job = {
    batchStrategy: options.strategy,
    maxPayloadInMb: options['max-payload-in-mb'],
    maxConcurrentTransforms: options['max-concurrent-transforms'],
  };
  const { name, engine, image, runsDir, inputs } = await startLocalRun(
    root,
    async (manifest, name) => ({
      model: options.model ? resolve(options.model) : await lastTrainedModel(name),
      env: {
        ...Object.fromEntries(pairs('env', options.env, 'KEY=VALUE')),
        ...transformEnvironment(job),
      },
      gpus: await gpus(options.gpus, manifest),
      ...instanceResources(options['instance-type'], manifest, `${name}:transform`),
    }),
  );
  const label = `[${name}:transform]`;
  await using run = await ServingRun.start(engine, { image, ...inputs, parentDir: runsDir });
  console.log(`${label} model ${inputs.model}; waiting for /ping`);
  await run.waitUntilHealthy(limits.pingStartupBudgetMs, { required: true });
  const result = await runTransform(
    run,
    {
      ...job,
      inputDir: resolve(options.input),
      outputDir: resolve(options.output),
      contentType: options['content-type'],
      accept: options.accept,
      splitType: options['split-type'],
      assembleWith: options['assemble-with'],
      invocationsTimeoutSeconds: options['invocations-timeout-seconds'],
    },
    {
      onParameters: ({ notes }) => notes.forEach((note) => console.log(`${label} ${note}`)),
      onFile: (file) => console.log(`${label} ${describeFile(file)}`),
    },
  );
  const { parameters: p } = result;
  const records = result.files.reduce((n, f) => n + f.records, 0);
  console.log(
    `${label} ${result.files.length} files, ${records} records in ${(result.durationMs / 1000).toFixed(1)} s (${p.batchStrategy}, MaxPayloadInMB ${p.maxPayloadInMb}, MaxConcurrentTransforms ${p.maxConcurrentTransforms}) → ${resolve(options.output)}`,
  );
  return true;
}
