import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { inputDataConfig, loadManifest, resourceConfig } from '@sagemaker-templates/contract';
import {
  connectEngine,
  OptMlTree,
  startContainer,
  type RunningContainer,
} from '@sagemaker-templates/engine';
import { buildTemplate } from './build-template.ts';
import {
  chooseChannels,
  chooseHyperparameters,
  gpus,
  pairs,
  type GpuChoice,
} from './local-run-inputs.ts';
import { stopOnSignal } from './stop-on-signal.ts';
import { streamLogs } from './stream-logs.ts';

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
 * `nx run <template>:train`: `docker run IMAGE train` as SageMaker (and SDK local mode) runs it: a
 * fresh /opt/ml tree with the config files and channels, host name algo-1, the host's GPUs when it
 * has any. Streams the logs, keeps the tree for inspection and returns the container's exit code.
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
  const tree = await OptMlTree.create({
    hyperparameters,
    inputDataConfig: inputDataConfig(channels.samples),
    resourceConfig: resourceConfig(options.host),
    channels: channels.sources,
    parentDir: localRunsDir(name),
  });
  console.log(`[${name}:train] /opt/ml tree (kept): ${tree.root}`);
  console.log(`[${name}:train] hyperparameters.json: ${JSON.stringify(hyperparameters)}`);
  const container = await startContainer(docker, {
    image,
    cmd: ['train'],
    hostname: options.host,
    binds: tree.binds(),
    deviceRequests: await gpus(options.gpus, manifest),
  });
  try {
    return await followTraining(docker, name, container, tree);
  } finally {
    await container.remove();
  }
}

/** Streams the training container's logs until it exits (Ctrl-C sends it SIGTERM), then says what it left. */
async function followTraining(
  docker: Docker,
  name: string,
  container: RunningContainer,
  tree: OptMlTree,
): Promise<number> {
  const signals = stopOnSignal(
    `${name}:train`,
    container,
    () => container.signal('SIGTERM'),
    'SIGTERM sent to the training container',
  );
  await streamLogs(docker, container);
  const exit = await container.waitForExit(2 ** 31 - 1);
  signals.dispose();
  await writeFile(
    join(localRunsDir(name), LAST_TRAIN),
    `${JSON.stringify({ tree: tree.root, exitCode: exit.exitCode, at: new Date().toISOString() })}\n`,
  );
  const failure = await tree.readFailure();
  const model = await tree.listModelFiles();
  console.log(
    `[${name}:train] exit ${exit.exitCode} after ${(exit.durationMs / 1000).toFixed(1)} s; ` +
      `model: ${model.length ? model.join(', ') : 'none'} in ${tree.modelDir}` +
      (failure ? `\n[${name}:train] /opt/ml/output/failure: ${failure.trim()}` : ''),
  );
  return exit.exitCode ?? 1;
}
