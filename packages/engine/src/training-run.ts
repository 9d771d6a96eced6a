import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  inputDataConfig,
  resourceConfig,
  type ChannelSample,
  type Hyperparameters,
} from '@sagemaker-templates/contract';
import type { Engine } from './connect-engine.ts';
import { createNetwork, type ManagedNetwork } from './create-network.ts';
import { gpuDeviceRequests } from './host-gpu-count.ts';
import { OptMlTree } from './opt-ml-tree.ts';
import type { RunningContainer } from './running-container.ts';
import { startContainer } from './start-container.ts';
import { sizedHostConfig, type InstanceResources } from './instance-resources.ts';

/** A training job as SageMaker starts it, on one host. */
export interface TrainingRunOptions {
  image: string;
  /** hyperparameters.json; default `{}`. */
  hyperparameters?: Hyperparameters;
  /** Channel name to its source (a host file or folder) and content type: input/data/<name>. */
  channels?: Record<string, ChannelSample>;
  /** This host's name (current_host, the container's host name); default `algo-1`. */
  host?: string;
  /** Several hosts training at once: the network they share and every host's name. */
  cluster?: { network: string; hosts: string[] };
  resourceConfigShape?: 'minimal' | 'full';
  /**
   * EnableNetworkIsolation: the container runs alone on an internal network, so its own host name
   * resolves (the toolkits look every host up first) and nothing outside does.
   */
  isolated?: boolean;
  /** Channel folders mounted read-only, as FastFile mode does. */
  readOnlyChannels?: boolean;
  /** The host's GPUs to pass in (`docker run --gpus`); none by default. */
  gpus?: number | 'all';
  /** The image's platform when it is not the host's (run under emulation, see hostCanRun). */
  platform?: string;
  /** TRAINING_JOB_NAME; default `local-training`. */
  jobName?: string;
  env?: Record<string, string>;
  /** Extra mounts (`host:container[:ro]`): bound, or copied for a remote engine (see engineFiles). */
  binds?: string[];
  /** Where the /opt/ml tree is made; default the OS temp folder. */
  parentDir?: string;
  /** Leave the /opt/ml tree on disk when the run is disposed (for inspection). */
  keepTree?: boolean;
  /**
   * Size the container as this instance type (memory without swap, vCPUs as a CPU quota; see
   * sizedHostConfig) and name it in resourceconfig.json; default unlimited, named ml.m5.large.
   */
  resources?: InstanceResources;
}

/** What a finished training run left behind. */
export interface TrainingResult {
  /** The exit code, or null when the run was stopped at the time limit. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  logs: string;
  /** Files under /opt/ml/model with their sizes. */
  modelFiles: { path: string; size: number }[];
  /** /opt/ml/output/failure, or undefined when none was written. */
  failure: string | undefined;
  /** Whether /opt/ml/output/success exists (the training toolkit writes it). */
  successFile: boolean;
  /** Host folder that was /opt/ml/model. */
  modelDir: string;
  /** The kernel killed it for lack of memory (its memory limit, or the host's). */
  oomKilled: boolean;
  /** The highest memory use sampled while it ran, in bytes; undefined when none was read. */
  peakMemoryBytes?: number;
}

/**
 * `docker run IMAGE train` as SageMaker (and SDK local mode) runs it: a fresh /opt/ml tree with the
 * three config files and the channels, the host name from resourceconfig.json, GPUs when asked.
 * Used by the conformance probes and by `nx run <template>:train`; `await using` removes the
 * container, the network it made and (unless kept) the tree.
 */
export class TrainingRun implements AsyncDisposable {
  #container: RunningContainer | undefined;
  #memory: { stop(): Promise<number | undefined> } | undefined;
  #network: ManagedNetwork | undefined;

  private constructor(
    private readonly engine: Engine,
    readonly options: TrainingRunOptions,
    readonly tree: OptMlTree,
    readonly host: string,
  ) {}

  /** Makes the /opt/ml tree; {@link start} then starts the container. */
  static async prepare(engine: Engine, options: TrainingRunOptions): Promise<TrainingRun> {
    const host = options.host ?? 'algo-1';
    const channels = options.channels ?? {};
    const tree = await OptMlTree.create({
      hyperparameters: options.hyperparameters ?? {},
      inputDataConfig: inputDataConfig(channels),
      resourceConfig: resourceConfig(
        host,
        options.cluster?.hosts ?? [host],
        options.resourceConfigShape ?? 'full',
        options.resources?.name,
      ),
      channels: Object.fromEntries(Object.entries(channels).map(([n, c]) => [n, c.source])),
      cleanup: { docker: engine, image: options.image },
      ...(options.parentDir ? { parentDir: options.parentDir } : {}),
    });
    return new TrainingRun(engine, options, tree, host);
  }

  /** Prepares and starts a run. */
  static async start(engine: Engine, options: TrainingRunOptions): Promise<TrainingRun> {
    const run = await TrainingRun.prepare(engine, options);
    try {
      await run.start();
    } catch (error) {
      await run.dispose();
      throw error;
    }
    return run;
  }

  /** The training container; throws before {@link start}. */
  get container(): RunningContainer {
    if (!this.#container) throw new Error('the training run has not started yet');
    return this.#container;
  }

  /** Starts the container (not waited for); throws when the engine cannot start it. */
  async start(): Promise<RunningContainer> {
    const { options, host } = this;
    const network = options.cluster?.network ?? (await this.#isolatedNetwork());
    this.#container = await startContainer(this.engine, {
      image: options.image,
      cmd: ['train'],
      hostname: host,
      mounts: this.tree.mounts({ readOnlyChannels: options.readOnlyChannels ?? false }),
      ...(options.binds ? { binds: options.binds } : {}),
      env: { TRAINING_JOB_NAME: options.jobName ?? 'local-training', ...options.env },
      ...(options.gpus ? { deviceRequests: gpuDeviceRequests(options.gpus) } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(network ? { network, networkAliases: [host] } : {}),
      ...(options.resources ? { hostConfig: sizedHostConfig(options.resources).hostConfig } : {}),
    });
    this.#memory = this.#container.watchMemory();
    return this.#container;
  }

  /** Waits up to `timeoutMs` for the container to exit (stopping it then) and collects what it left. */
  async finish(timeoutMs: number): Promise<TrainingResult> {
    const { container, tree } = this;
    const exit = await container.waitForExit(timeoutMs);
    if (exit.timedOut) await container.stop({ timeoutSeconds: 0 });
    const peakMemoryBytes = await this.#memory?.stop();
    return {
      exitCode: exit.timedOut ? null : exit.exitCode,
      timedOut: exit.timedOut,
      durationMs: exit.durationMs,
      logs: await container.logs(),
      modelFiles: await withSizes(tree.modelDir, await tree.listModelFiles()),
      failure: await tree.readFailure(),
      successFile: await exists(path.join(tree.outputDir, 'success')),
      modelDir: tree.modelDir,
      oomKilled: (await container.state()).oomKilled,
      ...(peakMemoryBytes ? { peakMemoryBytes } : {}),
    };
  }

  /** Removes the container, the network it made and, unless kept, the tree; safe to call twice. */
  async dispose(): Promise<void> {
    await this.#memory?.stop();
    await this.#container?.remove();
    await this.#network?.remove();
    if (!this.options.keepTree) await this.tree.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #isolatedNetwork(): Promise<string | undefined> {
    if (!this.options.isolated) return undefined;
    this.#network ??= await createNetwork(this.engine, { internal: true });
    return this.#network.name;
  }
}

async function withSizes(dir: string, files: string[]): Promise<{ path: string; size: number }[]> {
  return Promise.all(
    files.map(async (file) => ({ path: file, size: (await stat(path.join(dir, file))).size })),
  );
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
