import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_PLATFORM, type TemplateManifest } from '@sagemaker-templates/contract';
import {
  createNetwork,
  engineGpuCount,
  publishedPortHost,
  inspectImage,
  readImageFiles,
  ServingRun,
  startContainer,
  TrainingRun,
  type Engine,
  type InstanceResources,
  type RunningContainer,
} from '@sagemaker-templates/engine';
import { BlockedError } from '../blocked-error.ts';
import type { Probes } from '../check.ts';
import type * as Observed from '../observations.ts';
import type { PlatformRun } from '../platform-run.ts';
import type { SuiteTrace } from '../suite-trace.ts';

export interface ProbeOptions {
  /** The image's platform as the suite runs it (emulated runs get longer request limits). */
  platform?: PlatformRun;
  /** Size every container as this instance type (memory without swap, vCPUs). */
  resources?: InstanceResources;
  onProgress?: (line: string) => void;
  /** Times every shared observation (--timings). */
  trace?: SuiteTrace;
}

/** A training container that was started (or failed to start), with its /opt/ml tree. */
export interface StartedTraining extends Observed.TrainingStart {
  run: TrainingRun;
  container?: RunningContainer;
  started: number;
}

/**
 * The probes over a Docker engine: lazily started, shared observations of the image. One training
 * run, one failing run and one serving container serve every check that only observes them
 * (container starts are the suite's cost).
 */
export class DockerProbes implements Probes {
  #memo = new Map<string, Promise<unknown>>();
  #disposers: (() => Promise<void>)[] = [];

  constructor(
    private readonly docker: Engine,
    private readonly image: string,
    private readonly manifest: TemplateManifest,
    private readonly manifestDir: string,
    private readonly options: ProbeOptions = {},
  ) {}

  private onProgress(line: string): void {
    this.options.onProgress?.(line);
  }

  /**
   * The engine's options every run shares: the platform (only for an image that is not the
   * default one, with its time scale) and the instance size.
   */
  #platform(): { platform?: string; timeScale?: number; resources?: InstanceResources } {
    const { platform: run, resources } = this.options;
    const sized = resources ? { resources } : {};
    if (!run || run.platform === DEFAULT_PLATFORM) return sized;
    return { platform: run.platform, timeScale: run.timeScale, ...sized };
  }

  imageInfo(): Promise<Observed.ImageInfo> {
    return this.#once('image', async () => {
      const info = await inspectImage(this.docker, this.image);
      if (!info)
        throw new Error(`image ${this.image} does not exist on this engine. Build it first.`);
      return info;
    });
  }

  hostGpus(): Promise<number> {
    return engineGpuCount(this.docker, this.image);
  }

  /** A new empty host folder, removed with the probes (e.g. code to mount into a container). */
  async scratchDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    this.#disposers.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  /** The sample training run of the manifest, on a full /opt/ml tree. */
  training(): Promise<Observed.TrainingObservation> {
    return this.#once('training', () => this.#train({}));
  }

  /** A run that must fail: the manifest's failing hyperparameters, else a missing channel. */
  failingTraining(): Promise<Observed.TrainingObservation> {
    return this.#once('failing-training', () => {
      const failing = this.#profile().failingHyperparameters;
      return failing
        ? this.#train({
            hyperparameters: failing,
            fault: `failing hyperparameters ${JSON.stringify(failing)}`,
          })
        : this.#train({ channels: {}, fault: 'no input channels' });
    });
  }

  /** Another training run of the sample data, changed as `variant` says; memoized by `key`. */
  trainingVariant(
    key: string,
    variant: Observed.TrainingVariant,
  ): Promise<Observed.TrainingObservation> {
    return this.#once(`training:${key}`, () => this.#train(variant));
  }

  /** One serving container, ready or not, with the model from training or from the manifest. */
  serving(): Promise<Observed.ServingSession> {
    return this.#once('serving', () => this.#serve());
  }

  /** Another serving container, started as `variant` says; memoized by `key`. */
  servingVariant(key: string, variant: Observed.ServingVariant): Promise<Observed.ServingSession> {
    return this.#once(`serving:${key}`, () => this.#serve(variant));
  }

  async dispose(): Promise<void> {
    for (const dispose of this.#disposers.reverse()) {
      await dispose().catch(() => {});
    }
    this.#disposers = [];
  }

  #once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let promise = this.#memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = this.options.trace ? this.options.trace.probe(key, make) : make();
      this.#memo.set(key, promise);
    }
    return promise;
  }

  /** #platform() without the time scale, which training runs do not take. */
  #trainingPlatform(): { platform?: string; resources?: InstanceResources } {
    const { timeScale: _timeScale, ...rest } = this.#platform();
    return rest;
  }

  #profile() {
    const profile = this.manifest.conformance.training;
    if (!profile) throw new Error('the manifest has no conformance.training section');
    return profile;
  }

  #resolve(path: string): string {
    return isAbsolute(path) ? path : resolve(this.manifestDir, path);
  }

  /** Prepares the /opt/ml tree of a training run and starts its container (not waited for). */
  async startTraining(
    variant: Observed.TrainingVariant,
    cluster?: { network: string; hosts: string[] },
  ): Promise<StartedTraining> {
    const profile = this.#profile();
    const channels = variant.channels ?? profile.channels;
    const host = variant.host ?? `algo-1-${randomSuffix()}`;
    const run = await TrainingRun.prepare(this.docker, {
      image: this.image,
      hyperparameters: variant.hyperparameters ?? profile.hyperparameters,
      channels: Object.fromEntries(
        Object.entries(channels).map(([name, c]) => [
          name,
          { ...c, source: this.#resolve(c.source) },
        ]),
      ),
      host,
      ...(cluster ? { cluster } : {}),
      resourceConfigShape: variant.resourceConfigShape ?? 'full',
      isolated: variant.isolated ?? false,
      readOnlyChannels: variant.readOnlyChannels ?? false,
      jobName: 'conformance-training',
      ...(variant.gpus ? { gpus: variant.gpus } : {}),
      ...(variant.env ? { env: variant.env } : {}),
      ...(variant.binds ? { binds: variant.binds } : {}),
      ...this.#trainingPlatform(),
    });
    this.#disposers.push(() => run.dispose());
    this.onProgress(
      `training run${variant.fault ? ` (${variant.fault})` : ''}${cluster ? ` on ${host}` : ''}`,
    );
    const started = performance.now();
    try {
      const container = await run.start();
      return { run, container, started };
    } catch (error) {
      return { run, startError: (error as Error).message, started };
    }
  }

  /** Waits for a started training run and collects what it left behind. */
  async finishTraining(
    started: StartedTraining,
    fault?: string,
  ): Promise<Observed.TrainingObservation> {
    const { run } = started;
    const common = { ...(fault ? { fault } : {}), modelDir: run.tree.modelDir };
    if (!started.container) {
      return {
        startError: started.startError ?? 'unknown',
        exitCode: null,
        timedOut: false,
        durationMs: Math.round(performance.now() - started.started),
        logs: '',
        modelFiles: [],
        failure: undefined,
        successFile: false,
        oomKilled: false,
        ...common,
      };
    }
    const result = await run.finish(this.manifest.budgets.trainingSeconds * 1000);
    const resources = this.options.resources;
    const sizedAs = resources
      ? { sizedAs: { name: resources.name, memoryBytes: resources.memoryBytes } }
      : {};
    return { ...result, ...common, ...sizedAs };
  }

  /** Two hosts, algo-1 and algo-2, on a private network, training at once (T24). */
  multiHostTraining(): Promise<Observed.TrainingObservation[]> {
    return this.#once('multi-host', async () => {
      const network = await createNetwork(this.docker);
      this.#disposers.push(() => network.remove());
      const hosts = ['algo-1', 'algo-2'];
      const runs = await Promise.all(
        hosts.map((host) => this.startTraining({ host }, { network: network.name, hosts })),
      );
      return Promise.all(runs.map((run) => this.finishTraining(run)));
    });
  }

  /**
   * Every shared library file in the image (`*.so*`, one path each), listed by `find` in a throwaway
   * container with no network; an Error when the image has no `sh` or `find` to list them.
   */
  sharedLibraries(): Promise<string[] | Error> {
    return this.#once('shared-libraries', async () => {
      const script = "find / -xdev \\( -type f -o -type l \\) -name '*.so*' 2>/dev/null; exit 0";
      try {
        await using lister = await startContainer(this.docker, {
          image: this.image,
          entrypoint: ['/bin/sh', '-c'],
          cmd: [script],
          networkDisabled: true,
        });
        const exit = await lister.waitForExit(120_000);
        const out = await lister.logs({ stderr: false });
        if (exit.exitCode !== 0)
          return new Error(`find exited ${exit.exitCode}: ${out.slice(0, 200)}`);
        return out.split('\n').filter((line) => line.startsWith('/'));
      } catch (error) {
        return error as Error;
      }
    });
  }

  /** Files read from the image without running it; missing ones are undefined. */
  imageFiles(paths: readonly string[]): Promise<Map<string, string | undefined>> {
    return this.#once(`files:${paths.join(',')}`, () =>
      readImageFiles(this.docker, this.image, paths),
    );
  }

  async #train(variant: Observed.TrainingVariant): Promise<Observed.TrainingObservation> {
    return this.finishTraining(await this.startTraining(variant), variant.fault);
  }

  async #modelSource(): Promise<string> {
    const serving = this.manifest.conformance.serving;
    if (serving && serving.model !== 'training') return this.#resolve(serving.model);
    const run = await this.training();
    if (run.startError || run.exitCode !== 0 || run.modelFiles.length === 0 || !run.modelDir) {
      throw new BlockedError(
        'train.model.written',
        'serving needs the model of a successful training run',
      );
    }
    return run.modelDir;
  }

  async #serve(variant: Observed.ServingVariant = {}): Promise<Observed.ServingSession> {
    // An isolated server is reached at its address on an internal network, which only the engine's
    // own host routes to: from here it would look like a server that never answers.
    if (variant.isolated && publishedPortHost(this.docker).connectTo !== '127.0.0.1')
      throw new BlockedError(
        'the engine',
        "an isolated server on a remote engine is reachable only from that engine's host; run this check there",
      );
    const source = variant.emptyModel ? undefined : await this.#modelSource();
    const names = variant.multiModelNames;
    this.onProgress(`serving container${variant.label ? ` (${variant.label})` : ''}`);
    const run = await ServingRun.start(this.docker, {
      image: this.image,
      ...(source && !names ? { model: source } : {}),
      ...(source && names ? { multiModel: { source, names } } : {}),
      ...(variant.env ? { env: variant.env } : {}),
      ...(variant.port ? { port: variant.port } : {}),
      isolated: variant.isolated ?? false,
      ...this.#platform(),
      ...limitedTo(variant.memoryLimit),
    });
    this.#disposers.push(() => run.dispose());
    const wait = await run.waitUntilHealthy(
      variant.readyWithinMs ?? this.manifest.budgets.startupSeconds * 1000,
      variant.until ? { until: variant.until } : {},
    );
    return {
      container: run.container,
      readyAfterMs: wait.readyAfterMs,
      pings: wait.answers,
      request: (path, init) => run.request(path, init),
      streamRequest: (path, request) => run.streamRequest(path, request),
    };
  }
}

/** A memory limit as the engine's sizing takes it: that memory, no swap, every CPU of the host. */
function limitedTo(limit: Observed.ServingVariant['memoryLimit']): {
  resources?: InstanceResources;
} {
  if (!limit) return {};
  return {
    resources: { name: limit.name, memoryBytes: limit.bytes, vcpus: availableParallelism() },
  };
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 7).padEnd(5, '0');
}
