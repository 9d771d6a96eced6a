import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadManifest } from '@sagemaker-templates/contract';
import { connectEngine, TrainingRun, type TrainingResult } from '@sagemaker-templates/engine';
import { buildTemplate } from './build-template.ts';
import {
  chooseChannels,
  chooseHyperparameters,
  gpus,
  pairs,
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
}

/** Where local runs keep their /opt/ml trees, one folder per template (git-ignored). */
export const localRunsDir = (name: string) => join(process.cwd(), '.cache', 'local-runs', name);
/** The last training run of a template, which `serve` takes its model from. */
export const LAST_TRAIN = 'last-train.json';

/**
 * `nx run <template>:train`: the engine's TrainingRun, as SageMaker (and SDK local mode) runs the
 * image: a fresh /opt/ml tree with the config files and channels, host name algo-1, the host's
 * GPUs when it has any. Streams the logs, keeps the tree for inspection and returns the exit code.
 */
export async function localTrain(root: string, options: TrainOptions): Promise<number> {
  const name = basename(resolve(root));
  const manifest = await loadManifest(join(root, 'template.json'));
  const profile = manifest.conformance.training;
  const hyperparameters = await chooseHyperparameters(options, profile?.hyperparameters);
  const overrides = pairs('channel', options.channel, 'NAME=PATH (e.g. train=data/)');
  const channels = chooseChannels(root, overrides, profile?.channels);
  const docker = connectEngine();
  const { image } = await buildTemplate(root);
  await mkdir(localRunsDir(name), { recursive: true });
  await using run = await TrainingRun.prepare(docker, {
    image,
    hyperparameters,
    channels,
    host: options.host,
    gpus: await gpus(options.gpus, manifest),
    jobName: `${name}-local`,
    parentDir: localRunsDir(name),
    keepTree: true,
  });
  console.log(`[${name}:train] /opt/ml tree (kept): ${run.tree.root}`);
  console.log(`[${name}:train] hyperparameters.json: ${JSON.stringify(hyperparameters)}`);
  await run.start();
  const result = await followTraining(name, run);
  await writeFile(
    join(localRunsDir(name), LAST_TRAIN),
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
  return (
    `[${name}:train] exit ${result.exitCode} after ${(result.durationMs / 1000).toFixed(1)} s; ` +
    `model: ${model.length ? model.join(', ') : 'none'} in ${result.modelDir}` +
    (result.failure ? `\n[${name}:train] /opt/ml/output/failure: ${result.failure.trim()}` : '')
  );
}
