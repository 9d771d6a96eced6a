import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Platform } from '@sagemaker-templates/contract';
import { ServingRun, type RunningContainer } from '@sagemaker-templates/engine';
import {
  gpus,
  instanceResources,
  localRunsDir,
  LocalRunError,
  pairs,
  startLocalRun,
  type GpuChoice,
} from './local-run-inputs.ts';
import { LAST_TRAIN } from './local-train.ts';
import { stopOnSignal } from './stop-on-signal.ts';

/** Options of the serve target (src/executors/serve/schema.json). */
export interface ServeOptions {
  model?: string;
  port: number;
  env?: string[];
  gpus: GpuChoice;
  /** One of template.json's platforms: linux/arm64 serves as a Graviton endpoint would. */
  platform?: Platform;
  /** Size the container as this instance type; default template.json's instanceType. */
  'instance-type'?: string;
}

/**
 * `nx run <template>:serve`: the engine's ServingRun, as SageMaker runs an endpoint's container:
 * the model read-only at /opt/ml/model (the last local training run's, or --model), published on
 * 127.0.0.1:<port> (on a remote engine, on its host: see publishedPortHost). Runs until Ctrl-C or SIGTERM, then stops it as SageMaker does (SIGTERM, 30 s).
 */
export async function localServe(root: string, options: ServeOptions): Promise<number> {
  const { name, engine, image, runsDir, inputs, platform } = await startLocalRun(
    root,
    async (manifest, name) => ({
      model: options.model ? resolve(options.model) : await lastTrainedModel(name),
      env: Object.fromEntries(pairs('env', options.env, 'KEY=VALUE')),
      gpus: await gpus(options.gpus, manifest),
      ...instanceResources(options['instance-type'], manifest, `${name}:serve`, options.platform),
    }),
    options.platform,
  );
  await using run = await ServingRun.start(engine, {
    image,
    ...inputs,
    ...(options.port ? { hostPort: options.port } : {}),
    parentDir: runsDir,
    ...platform,
  });
  const { container } = run;
  console.log(`[${name}:serve] model ${inputs.model} (read-only at /opt/ml/model)`);
  console.log(
    `[${name}:serve] ${container.url('/')} — try: curl ${container.url('/ping')}; Ctrl-C stops it`,
  );
  const exit = await serveUntilStopped(name, container);
  const oom = (await container.state().catch(() => undefined))?.oomKilled;
  console.log(
    `[${name}:serve] the server exited ${exit.exitCode}${oom ? ' (killed for lack of memory: OOMKilled)' : ''}`,
  );
  return 0;
}

/** Streams the server's logs until it exits, or until Ctrl-C stops it as SageMaker does. */
async function serveUntilStopped(name: string, container: RunningContainer) {
  const stopped = new Promise<void>((done) => {
    stopOnSignal(
      `${name}:serve`,
      container,
      async () => {
        await container.stop({ timeoutSeconds: 30 });
        done();
      },
      'stopping (SIGTERM, then SIGKILL after 30 s)',
    );
  });
  await container.followLogs();
  return Promise.race([
    container.waitForExit(2 ** 31 - 1),
    stopped.then(() => container.waitForExit(35_000)),
  ]);
}

/** The model folder of the last successful local training run of `name`. */
export async function lastTrainedModel(name: string): Promise<string> {
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
