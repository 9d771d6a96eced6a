import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type Docker from 'dockerode';
import {
  inputDataConfig,
  limits,
  paths,
  resourceConfig,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import {
  createNetwork,
  gpuDeviceRequests,
  hostGpuCount,
  inspectImage,
  OptMlTree,
  readImageFiles,
  startContainer,
  type RunningContainer,
} from '@sagemaker-templates/engine';
import { BlockedError } from '../blocked-error.ts';
import type { Probes } from '../check.ts';
import type {
  HttpExchange,
  ServingSession,
  ServingVariant,
  TrainingObservation,
  TrainingStart,
  TrainingVariant,
} from '../observations.ts';
import { exchange } from './http.ts';

/** A training container that was started (or failed to start), with its /opt/ml tree. */
export interface StartedTraining extends TrainingStart {
  tree: OptMlTree;
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
    private readonly docker: Docker,
    private readonly image: string,
    private readonly manifest: TemplateManifest,
    private readonly manifestDir: string,
    private readonly onProgress: (line: string) => void = () => {},
  ) {}

  imageInfo(): Promise<Docker.ImageInspectInfo> {
    return this.#once('image', async () => {
      const info = await inspectImage(this.docker, this.image);
      if (!info)
        throw new Error(`image ${this.image} does not exist on this engine. Build it first.`);
      return info;
    });
  }

  hostGpus(): Promise<number> {
    return hostGpuCount();
  }

  /** A new empty host folder, removed with the probes (e.g. code to mount into a container). */
  async scratchDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    this.#disposers.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  /** The sample training run of the manifest, on a full /opt/ml tree. */
  training(): Promise<TrainingObservation> {
    return this.#once('training', () => this.#train({}));
  }

  /** A run that must fail: the manifest's failing hyperparameters, else a missing channel. */
  failingTraining(): Promise<TrainingObservation> {
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
  trainingVariant(key: string, variant: TrainingVariant): Promise<TrainingObservation> {
    return this.#once(`training:${key}`, () => this.#train(variant));
  }

  /** One serving container, ready or not, with the model from training or from the manifest. */
  serving(): Promise<ServingSession> {
    return this.#once('serving', () => this.#serve());
  }

  /** Another serving container, started as `variant` says; memoized by `key`. */
  servingVariant(key: string, variant: ServingVariant): Promise<ServingSession> {
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
      promise = make();
      this.#memo.set(key, promise);
    }
    return promise;
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
    variant: TrainingVariant,
    network?: { name: string; hosts: string[] },
  ): Promise<StartedTraining> {
    const profile = this.#profile();
    const channels = variant.channels ?? profile.channels;
    const host = variant.host ?? `algo-1-${randomSuffix()}`;
    const tree = await OptMlTree.create({
      hyperparameters: variant.hyperparameters ?? profile.hyperparameters,
      inputDataConfig: inputDataConfig(channels),
      resourceConfig: resourceConfig(
        host,
        network?.hosts ?? [host],
        variant.resourceConfigShape ?? 'full',
      ),
      channels: Object.fromEntries(
        Object.entries(channels).map(([name, c]) => [name, this.#resolve(c.source)]),
      ),
    });
    this.#disposers.push(() => tree.dispose());
    this.onProgress(
      `training run${variant.fault ? ` (${variant.fault})` : ''}${network ? ` on ${host}` : ''}`,
    );
    if (variant.isolated && !network) {
      network = { name: (await this.#isolatedNetwork()).name, hosts: [host] };
    }
    const started = performance.now();
    try {
      const container = await startContainer(this.docker, {
        image: this.image,
        cmd: ['train'],
        hostname: host,
        binds: [
          ...tree.binds({ readOnlyChannels: variant.readOnlyChannels ?? false }),
          ...(variant.binds ?? []),
        ],
        env: { TRAINING_JOB_NAME: 'conformance-training', ...variant.env },
        ...(variant.gpus ? { deviceRequests: gpuDeviceRequests(variant.gpus) } : {}),
        ...(network ? { network: network.name, networkAliases: [host] } : {}),
      });
      this.#disposers.push(() => container.remove());
      return { tree, container, started };
    } catch (error) {
      return { tree, startError: (error as Error).message, started };
    }
  }

  /** Waits for a started training run and collects what it left behind. */
  async finishTraining(run: StartedTraining, fault?: string): Promise<TrainingObservation> {
    const { tree, container } = run;
    const common = { ...(fault ? { fault } : {}), modelDir: tree.modelDir };
    if (!container) {
      const durationMs = Math.round(performance.now() - run.started);
      return {
        startError: run.startError ?? 'unknown',
        exitCode: null,
        timedOut: false,
        durationMs,
        logs: '',
        modelFiles: [],
        failure: undefined,
        successFile: false,
        ...common,
      };
    }
    const exit = await container.waitForExit(this.manifest.budgets.trainingSeconds * 1000);
    if (exit.timedOut) await container.stop({ timeoutSeconds: 0 });
    return {
      exitCode: exit.timedOut ? null : exit.exitCode,
      timedOut: exit.timedOut,
      durationMs: exit.durationMs,
      logs: await container.logs(),
      modelFiles: await withSizes(tree.modelDir, await tree.listModelFiles()),
      failure: await tree.readFailure(),
      successFile: await exists(join(tree.outputDir, 'success')),
      ...common,
    };
  }

  /** Two hosts, algo-1 and algo-2, on a private network, training at once (T24). */
  multiHostTraining(): Promise<TrainingObservation[]> {
    return this.#once('multi-host', async () => {
      const network = await createNetwork(this.docker);
      this.#disposers.push(() => network.remove());
      const hosts = ['algo-1', 'algo-2'];
      const runs = await Promise.all(
        hosts.map((host) => this.startTraining({ host }, { name: network.name, hosts })),
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

  async #train(variant: TrainingVariant): Promise<TrainingObservation> {
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

  /** A new internal network (no route out, no outside DNS), removed with the probes. */
  async #isolatedNetwork(): Promise<{ name: string }> {
    const internal = await createNetwork(this.docker, { internal: true });
    this.#disposers.push(() => internal.remove());
    return internal;
  }

  async #serve(variant: ServingVariant = {}): Promise<ServingSession> {
    const source = variant.emptyModel ? undefined : await this.#modelSource();
    const model = variant.multiModelNames ? undefined : source;
    const tree = await OptMlTree.create(model ? { model } : {});
    const modelBinds = (variant.multiModelNames ?? []).map(
      (name) => `${source}:${paths.models}/${name}/model:ro`,
    );
    this.#disposers.push(() => tree.dispose());
    const port = variant.port ?? limits.servingPort;
    this.onProgress(`serving container${variant.label ? ` (${variant.label})` : ''}`);
    const internal = variant.isolated ? await this.#isolatedNetwork() : undefined;
    const started = performance.now();
    const container = await startContainer(this.docker, {
      image: this.image,
      cmd: ['serve'],
      binds: [...tree.binds({ readOnlyModel: true, include: ['model'] }), ...modelBinds],
      ...(internal ? { network: internal.name } : { publishPort: port }),
      ...(variant.env ? { env: variant.env } : {}),
    });
    this.#disposers.push(() => container.remove());
    const base = internal ? `http://${await addressOn(container, internal.name)}:${port}` : '';
    const url = (path: string) => (internal ? `${base}${path}` : container.url(path));
    const request: ServingSession['request'] = (path, init) =>
      exchange(url(path), { timeoutMs: limits.invocationsTimeoutMs, ...init });
    const { readyAfterMs, pings } = await pollUntilHealthy(
      () => request('/ping', { timeoutMs: limits.pingTimeoutMs }),
      started,
      started + this.manifest.budgets.startupSeconds * 1000,
      async () => (await container.state()).running,
      variant.until ?? ((answer) => answer.status === 200),
    );
    return { container, readyAfterMs, pings: pings.slice(-5), request };
  }
}

/**
 * Sends GET /ping every 250 ms without waiting for earlier attempts (each may take its full 2 s:
 * docker-proxy holds connections to a port nobody listens on yet), until an answer is `done`
 * (default: 200), the deadline passes or the container exits. Readiness is thus measured to within 250 ms.
 */
export async function pollUntilHealthy(
  ping: () => Promise<HttpExchange>,
  started: number,
  deadline: number,
  running: () => Promise<boolean>,
  done: (answer: HttpExchange) => boolean = (answer) => answer.status === 200,
): Promise<{ readyAfterMs: number | undefined; pings: HttpExchange[] }> {
  const pings: HttpExchange[] = [];
  const attempts: Promise<void>[] = [];
  let readyAfterMs: number | undefined;
  while (readyAfterMs === undefined && performance.now() < deadline) {
    attempts.push(
      ping().then((answer) => {
        pings.push(answer);
        if (done(answer)) readyAfterMs ??= Math.round(performance.now() - started);
      }),
    );
    await new Promise((r) => setTimeout(r, 250));
    if (readyAfterMs === undefined && !(await running())) break;
  }
  await Promise.all(attempts);
  return { readyAfterMs, pings: pings.slice(-5) };
}

async function withSizes(dir: string, files: string[]): Promise<{ path: string; size: number }[]> {
  return Promise.all(
    files.map(async (path) => ({ path, size: (await stat(join(dir, path))).size })),
  );
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 7).padEnd(5, '0');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The container's IP address on `network` (the host reaches it there even when the network is internal). */
async function addressOn(container: RunningContainer, network: string): Promise<string> {
  const info = await container.inspect();
  const address = info.NetworkSettings.Networks?.[network]?.IPAddress;
  if (!address) throw new Error(`${container.describe()} has no address on network ${network}`);
  return address;
}
