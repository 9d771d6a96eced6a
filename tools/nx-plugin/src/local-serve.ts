import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadManifest } from '@sagemaker-templates/contract';
import { connectEngine, ServingRun, type RunningContainer } from '@sagemaker-templates/engine';
import { buildTemplate } from './build-template.ts';
import { gpus, LocalRunError, pairs, type GpuChoice } from './local-run-inputs.ts';
import { LAST_TRAIN, localRunsDir } from './local-train.ts';
import { stopOnSignal } from './stop-on-signal.ts';

/** Options of the serve target (src/executors/serve/schema.json). */
export interface ServeOptions {
  model?: string;
  port: number;
  env?: string[];
  gpus: GpuChoice;
}

/**
 * `nx run <template>:serve`: the engine's ServingRun, as SageMaker runs an endpoint's container:
 * the model read-only at /opt/ml/model (the last local training run's, or --model), published on
 * 127.0.0.1:<port>. Runs until Ctrl-C or SIGTERM, then stops it as SageMaker does (SIGTERM, 30 s).
 */
export async function localServe(root: string, options: ServeOptions): Promise<number> {
  const name = basename(resolve(root));
  const manifest = await loadManifest(join(root, 'template.json'));
  const model = options.model ? resolve(options.model) : await lastTrainedModel(name);
  const env = Object.fromEntries(pairs('env', options.env, 'KEY=VALUE'));
  const docker = connectEngine();
  const { image } = await buildTemplate(root);
  await mkdir(localRunsDir(name), { recursive: true });
  await using run = await ServingRun.start(docker, {
    image,
    model,
    env,
    ...(options.port ? { hostPort: options.port } : {}),
    gpus: await gpus(options.gpus, manifest),
    parentDir: localRunsDir(name),
  });
  const { container } = run;
  console.log(`[${name}:serve] model ${model} (read-only at /opt/ml/model)`);
  console.log(
    `[${name}:serve] ${container.url('/')} — try: curl ${container.url('/ping')}; Ctrl-C stops it`,
  );
  const exit = await serveUntilStopped(name, container);
  console.log(`[${name}:serve] the server exited ${exit.exitCode}`);
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
