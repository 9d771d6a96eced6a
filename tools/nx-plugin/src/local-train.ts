import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform, TemplateManifest } from '@sagemaker-templates/contract';
import { basename, resolve } from 'node:path';
import { gib, TrainingRun, type TrainingResult } from '@sagemaker-templates/engine';
import {
  chooseChannels,
  chooseHyperparameters,
  gpus,
  instanceResources,
  pairs,
  startLocalRun,
  type GpuChoice,
} from './local-run-inputs.ts';
import { stopOnSignal } from './stop-on-signal.ts';

/** Options of the train target (src/executors/train/schema.json). */
export interface TrainOptions {
  hyperparameters?: string;
  'hyperparameters-file'?: string;
  channel?: string[];
  host: string;
  gpus: GpuChoice;
  /** One of template.json's platforms, to debug it (SageMaker trains on linux/amd64 only). */
  platform?: Platform;
  /** Size the container as this instance type; default template.json's instanceType. */
  'instance-type'?: string;
}

/** The last training run of a template, which `serve` takes its model from. */
export const LAST_TRAIN = 'last-train.json';

/**
 * `nx run <template>:train`: the engine's TrainingRun, as SageMaker (and SDK local mode) runs the
 * image: a fresh /opt/ml tree with the config files and channels, host name algo-1, the host's
 * GPUs when it has any. Streams the logs, keeps the tree for inspection and returns the exit code.
 */
export async function localTrain(root: string, options: TrainOptions): Promise<number> {
  const choose = async (manifest: TemplateManifest) => {
    const profile = manifest.conformance.training;
    const overrides = pairs('channel', options.channel, 'NAME=PATH (e.g. train=data/)');
    return {
      hyperparameters: await chooseHyperparameters(options, profile?.hyperparameters),
      channels: chooseChannels(root, overrides, profile?.channels),
      gpus: await gpus(options.gpus, manifest),
      ...instanceResources(
        options['instance-type'],
        manifest,
        `${basename(resolve(root))}:train`,
        options.platform,
      ),
    };
  };
  const start = await startLocalRun(root, choose, options.platform);
  const { name, engine, image, runsDir, inputs, platform } = start;
  if (platform.platform)
    console.log(
      `[${name}:train] note: SageMaker trains on linux/amd64 only; this ${platform.platform} run is for debugging that image.`,
    );
  const { hyperparameters } = inputs;
  await using run = await TrainingRun.prepare(engine, {
    image,
    ...inputs,
    host: options.host,
    jobName: `${name}-local`,
    parentDir: runsDir,
    keepTree: true,
    ...platform,
  });
  console.log(`[${name}:train] /opt/ml tree (kept): ${run.tree.root}`);
  console.log(`[${name}:train] hyperparameters.json: ${JSON.stringify(hyperparameters)}`);
  await run.start();
  const result = await followTraining(name, run);
  await writeFile(
    join(runsDir, LAST_TRAIN),
    `${JSON.stringify({ tree: run.tree.root, exitCode: result.exitCode, at: new Date().toISOString() })}\n`,
  );
  console.log(summary(name, result));
  return result.exitCode ?? 1;
}

/** Streams the training container's logs until it exits (Ctrl-C sends it SIGTERM). */
async function followTraining(name: string, run: TrainingRun): Promise<TrainingResult> {
  const { container } = run;
  const signals = stopOnSignal(
    `${name}:train`,
    container,
    () => container.signal('SIGTERM'),
    'SIGTERM sent to the training container',
  );
  try {
    await container.followLogs();
    return await run.finish(2 ** 31 - 1);
  } finally {
    signals.dispose();
  }
}

/** Exit code, time, model files and the failure file, for the end of the output. */
function summary(name: string, result: TrainingResult): string {
  const model = result.modelFiles.map((file) => file.path);
  const peak = result.peakMemoryBytes ? `, peak memory ${gib(result.peakMemoryBytes)}` : '';
  const oom = result.oomKilled ? ' (killed for lack of memory: OOMKilled)' : '';
  return (
    `[${name}:train] exit ${result.exitCode}${oom} after ${(result.durationMs / 1000).toFixed(1)} s${peak}; ` +
    `model: ${model.length ? model.join(', ') : 'none'} in ${result.modelDir}` +
    (result.failure ? `\n[${name}:train] /opt/ml/output/failure: ${result.failure.trim()}` : '')
  );
}
