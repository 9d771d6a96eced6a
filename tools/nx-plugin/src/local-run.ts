import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type Docker from 'dockerode';
import {
  inputDataConfig,
  limits,
  loadManifest,
  resourceConfig,
  type ChannelSample,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import {
  connectEngine,
  gpuDeviceRequests,
  hostGpuCount,
  OptMlTree,
  startContainer,
  type RunningContainer,
} from '@sagemaker-templates/engine';
import { buildTemplate } from './build-template.ts';

/** A local run the user asked for wrongly: the message names the option and the fix. */
export class LocalRunError extends Error {
  override name = 'LocalRunError';
}

/** Where local runs keep their /opt/ml trees, one folder per template (git-ignored). */
export const localRunsDir = (name: string) => join(process.cwd(), '.cache', 'local-runs', name);
const LAST_TRAIN = 'last-train.json';

/**
 * `nx run <template>:train`: `docker run IMAGE train` as SageMaker (and SDK local mode) runs it: a
 * fresh /opt/ml tree with the config files and channels, host name algo-1, the host's GPUs when it
 * has any. Streams the logs, keeps the tree for inspection and exits with the container's code.
 */
export async function localTrain(root: string, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      hyperparameters: { type: 'string' },
      'hyperparameters-file': { type: 'string' },
      channel: { type: 'string', multiple: true },
      host: { type: 'string', default: 'algo-1' },
      gpus: { type: 'string', default: 'auto' },
    },
  });
  const name = basename(resolve(root));
  const manifest = await loadManifest(join(root, 'template.json'));
  const profile = manifest.conformance.training;
  const hyperparameters = await chooseHyperparameters(values, profile?.hyperparameters);
  const channels = chooseChannels(root, values.channel ?? [], profile?.channels);
  const docker = connectEngine();
  const { image } = await buildTemplate(root);
  await mkdir(localRunsDir(name), { recursive: true });
  const tree = await OptMlTree.create({
    hyperparameters,
    inputDataConfig: inputDataConfig(channels.samples),
    resourceConfig: resourceConfig(values.host),
    channels: channels.sources,
    parentDir: localRunsDir(name),
  });
  console.log(`[${name}:train] /opt/ml tree (kept): ${tree.root}`);
  console.log(`[${name}:train] hyperparameters.json: ${JSON.stringify(hyperparameters)}`);
  const container = await startContainer(docker, {
    image,
    cmd: ['train'],
    hostname: values.host,
    binds: tree.binds(),
    deviceRequests: await gpus(values.gpus, manifest),
  });
  try {
    const stopOnSignal = forwardStop(
      name,
      container,
      () => container.signal('SIGTERM'),
      'SIGTERM sent to the training container',
    );
    await streamLogs(docker, container);
    const exit = await container.waitForExit(2 ** 31 - 1);
    stopOnSignal.dispose();
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
  } finally {
    await container.remove();
  }
}

/**
 * `nx run <template>:serve`: `docker run IMAGE serve` with a model mounted read-only at
 * /opt/ml/model (the last local training run's, or --model), published on 127.0.0.1:<port>.
 * Runs until Ctrl-C or SIGTERM, then stops the container as SageMaker does (SIGTERM, 30 s).
 */
export async function localServe(root: string, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      port: { type: 'string', default: String(limits.servingPort) },
      env: { type: 'string', multiple: true },
      gpus: { type: 'string', default: 'auto' },
    },
  });
  const name = basename(resolve(root));
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new LocalRunError(`--port ${values.port} is not a port number. Use 0 for any free port.`);
  const manifest = await loadManifest(join(root, 'template.json'));
  const model = values.model ? resolve(values.model) : await lastTrainedModel(name);
  const env = Object.fromEntries(
    (values.env ?? []).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new LocalRunError(`--env ${pair} is not KEY=VALUE.`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const docker = connectEngine();
  const { image } = await buildTemplate(root);
  await mkdir(localRunsDir(name), { recursive: true });
  const tree = await OptMlTree.create({ model, parentDir: localRunsDir(name) });
  const container = await startContainer(docker, {
    image,
    cmd: ['serve'],
    env,
    binds: tree.binds({ readOnlyModel: true, include: ['model'] }),
    publishPort: true,
    deviceRequests: await gpus(values.gpus, manifest),
    hostConfig: {
      PortBindings: {
        [`${limits.servingPort}/tcp`]: [
          { HostIp: '127.0.0.1', HostPort: port ? String(port) : '' },
        ],
      },
    },
  });
  try {
    console.log(`[${name}:serve] model ${model} (read-only at /opt/ml/model)`);
    console.log(
      `[${name}:serve] ${container.url('/')} — try: curl ${container.url('/ping')}; Ctrl-C stops it`,
    );
    const stopped = new Promise<void>((done) => {
      forwardStop(
        name,
        container,
        async () => {
          await container.stop({ timeoutSeconds: 30 });
          done();
        },
        'stopping (SIGTERM, then SIGKILL after 30 s)',
      );
    });
    await streamLogs(docker, container);
    const exit = await Promise.race([
      container.waitForExit(2 ** 31 - 1),
      stopped.then(() => container.waitForExit(35_000)),
    ]);
    console.log(`[${name}:serve] the server exited ${exit.exitCode}`);
    return 0;
  } finally {
    await container.remove();
  }
}

async function chooseHyperparameters(
  values: { hyperparameters?: string; 'hyperparameters-file'?: string },
  sample: Record<string, string> | undefined,
): Promise<Record<string, string>> {
  const [text, where] = values['hyperparameters-file']
    ? [await readFile(values['hyperparameters-file'], 'utf8'), values['hyperparameters-file']]
    : values.hyperparameters
      ? [values.hyperparameters, '--hyperparameters']
      : [undefined, ''];
  if (text === undefined) return sample ?? {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LocalRunError(
      `${where} is not JSON (${(error as Error).message}). Give an object of strings: '{"epochs": "10"}'.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new LocalRunError(`${where} must be a JSON object of strings: '{"epochs": "10"}'.`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string')
      throw new LocalRunError(
        `${where}: hyperparameter "${key}" is ${JSON.stringify(value)}; SageMaker passes every value as a string: "${key}": "${typeof value === 'string' ? value : JSON.stringify(value)}".`,
      );
  }
  return parsed as Record<string, string>;
}

function chooseChannels(
  root: string,
  overrides: string[],
  sample: Record<string, ChannelSample> | undefined,
): { samples: Record<string, ChannelSample>; sources: Record<string, string> } {
  const samples: Record<string, ChannelSample> = { ...(sample ?? {}) };
  const sources = Object.fromEntries(
    Object.entries(samples).map(([channel, c]) => [
      channel,
      isAbsolute(c.source) ? c.source : join(root, c.source),
    ]),
  );
  for (const pair of overrides) {
    const at = pair.indexOf('=');
    if (at < 1) throw new LocalRunError(`--channel ${pair} is not NAME=PATH (e.g. train=data/).`);
    const channel = pair.slice(0, at);
    sources[channel] = resolve(pair.slice(at + 1));
    samples[channel] = { ...samples[channel], source: sources[channel] };
  }
  return { samples, sources };
}

async function lastTrainedModel(name: string): Promise<string> {
  const file = join(localRunsDir(name), LAST_TRAIN);
  const last = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as { tree: string; exitCode: number },
    () => undefined,
  );
  if (!last)
    throw new LocalRunError(
      `no local training run of ${name} to serve. Run \`npx nx run ${name}:train\` first, or pass --model <folder>.`,
    );
  if (last.exitCode !== 0)
    throw new LocalRunError(
      `the last local training run of ${name} failed (exit ${last.exitCode}; tree ${last.tree}). Train again, or pass --model <folder>.`,
    );
  return join(last.tree, 'model');
}

async function gpus(choice: string, manifest: TemplateManifest): Promise<Docker.DeviceRequest[]> {
  if (choice === 'none' || (choice === 'auto' && !manifest.capabilities.gpu)) return [];
  if (choice !== 'auto' && choice !== 'all')
    throw new LocalRunError(`--gpus ${choice}: use auto (default), all or none.`);
  return (await hostGpuCount()) > 0 ? gpuDeviceRequests('all') : [];
}

/** Follows the container's output onto this process's stdout and stderr. */
async function streamLogs(docker: Docker, container: RunningContainer): Promise<void> {
  const stream = await docker
    .getContainer(container.id)
    .logs({ follow: true, stdout: true, stderr: true });
  docker.modem.demuxStream(stream, process.stdout, process.stderr);
}

/**
 * On the first Ctrl-C or SIGTERM runs `stop`. A terminal's Ctrl-C reaches nx, npx and this process
 * at once (and npx forwards it), so repeats within a second count as one; a later one gives up
 * waiting, removes the container and exits 130.
 */
function forwardStop(
  name: string,
  container: RunningContainer,
  stop: () => Promise<unknown>,
  what: string,
) {
  let firstAt: number | undefined;
  const handler = () => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      console.error(`[${name}] ${what}; press Ctrl-C again to stop waiting`);
      void stop();
    } else if (Date.now() - firstAt > 1000) {
      void container.remove().finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
