import { limits, paths } from '@sagemaker-templates/contract';
import type { Engine } from './connect-engine.ts';
import { createNetwork, type ManagedNetwork } from './create-network.ts';
import { gpuDeviceRequests } from './host-gpu-count.ts';
import { exchange, type HttpExchange, type HttpRequest } from './http-exchange.ts';
import { OptMlTree } from './opt-ml-tree.ts';
import type { RunningContainer } from './running-container.ts';
import { startContainer } from './start-container.ts';
import {
  streamedExchange,
  type StreamedExchange,
  type StreamedRequest,
} from './streamed-exchange.ts';
import { forHttp, type HttpWait } from './wait-strategy.ts';
import { sizedHostConfig, type InstanceResources } from './instance-resources.ts';

/** An endpoint's container as SageMaker starts it. */
export interface ServingRunOptions {
  image: string;
  /** Host folder of model artifacts, copied and mounted read-only at /opt/ml/model; none: empty. */
  model?: string;
  /**
   * Multi-model mode: `source` mounted read-only at /opt/ml/models/<name>/model for each name (as
   * SageMaker stages models for an MME); /opt/ml/model stays empty.
   */
  multiModel?: { source: string; names: string[] };
  env?: Record<string, string>;
  /** The container port the server listens on; default 8080. */
  port?: number;
  /** The loopback host port to publish it on; default one the engine picks. */
  hostPort?: number;
  /**
   * EnableNetworkIsolation: alone on an internal network (no route out, no outside DNS), reached
   * from this host at its address there instead of through a published port.
   */
  isolated?: boolean;
  /** The host's GPUs to pass in (`docker run --gpus`); none by default. */
  gpus?: number | 'all';
  /** The image's platform when it is not the host's (run under emulation, see hostCanRun). */
  platform?: string;
  /**
   * What the contract's request limits (2 s per /ping, 60 s per /invocations) are multiplied by:
   * more than 1 under emulation, where the same server answers several times slower. Default 1.
   */
  timeScale?: number;
  /** Size the container as this instance type (memory without swap, vCPUs as a CPU quota). */
  resources?: InstanceResources;
  /** Where the /opt/ml tree is made; default the OS temp folder. */
  parentDir?: string;
}

/** A request to a serving container; the budget defaults to the contract's /invocations timeout. */
export type ServingRequest = Omit<HttpRequest, 'timeoutMs'> & { timeoutMs?: number };

/**
 * `docker run IMAGE serve` as SageMaker runs an endpoint's container: only /opt/ml/model, read-only,
 * port 8080 reached from this host. Used by the conformance probes and by `nx run <template>:serve`;
 * `await using` removes the container, its network and its tree.
 */
export class ServingRun implements AsyncDisposable {
  private constructor(
    readonly container: RunningContainer,
    readonly tree: OptMlTree,
    private readonly baseUrl: string | undefined,
    private readonly network: ManagedNetwork | undefined,
    private readonly timeScale: number,
  ) {}

  /** Makes the tree and starts the container (not waited for: see {@link waitUntilHealthy}). */
  static async start(engine: Engine, options: ServingRunOptions): Promise<ServingRun> {
    const tree = await OptMlTree.create({
      ...(options.model ? { model: options.model } : {}),
      ...(options.parentDir ? { parentDir: options.parentDir } : {}),
      cleanup: { docker: engine, image: options.image },
    });
    let network: ManagedNetwork | undefined;
    try {
      network = options.isolated ? await createNetwork(engine, { internal: true }) : undefined;
      const container = await startServer(engine, options, tree, network?.name);
      const port = options.port ?? limits.servingPort;
      const base = network ? `http://${await addressOn(container, network.name)}:${port}` : '';
      const scale = options.timeScale ?? 1;
      return new ServingRun(container, tree, base || undefined, network, scale);
    } catch (error) {
      await network?.remove();
      await tree.dispose();
      throw error;
    }
  }

  /** Where `path` is reached from this host. */
  url(path: string): string {
    return this.baseUrl ? `${this.baseUrl}${path}` : this.container.url(path);
  }

  /** One request; no answer (refused, timed out) is status 0 with the reason in the body. */
  request(path: string, init: ServingRequest = {}): Promise<HttpExchange> {
    return exchange(this.url(path), {
      timeoutMs: this.scaled(limits.invocationsTimeoutMs),
      ...init,
    });
  }

  /** One POST whose body is made as it is sent and whose answer is counted, not kept. */
  streamRequest(path: string, request: StreamedRequest): Promise<StreamedExchange> {
    return streamedExchange(this.url(path), request);
  }

  /**
   * Asks GET /ping as SageMaker's health check does (2 s per request, a new one every 250 ms) until
   * an answer is `until` (default a 200), `timeoutMs` passes or the container exits.
   */
  waitUntilHealthy(
    timeoutMs: number,
    options: { until?: (answer: HttpExchange) => boolean; required?: boolean } = {},
  ): Promise<HttpWait> {
    const ping = forHttp('/ping', {
      requestTimeoutMs: this.scaled(limits.pingTimeoutMs),
      url: (path) => this.url(path),
      ...options,
    });
    return this.container.waitFor(ping, timeoutMs);
  }

  /** A contract time limit as this run applies it (see ServingRunOptions.timeScale). */
  scaled(ms: number): number {
    return Math.round(ms * this.timeScale);
  }

  /** Removes the container, its network and its tree; safe to call twice. */
  async dispose(): Promise<void> {
    await this.container.remove();
    await this.network?.remove();
    await this.tree.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

function startServer(
  engine: Engine,
  options: ServingRunOptions,
  tree: OptMlTree,
  network: string | undefined,
): Promise<RunningContainer> {
  const models = options.multiModel;
  const modelBinds = (models?.names ?? []).map(
    (name) => `${models?.source}:${paths.models}/${name}/model:ro`,
  );
  const port = options.port ?? limits.servingPort;
  return startContainer(engine, {
    image: options.image,
    cmd: ['serve'],
    mounts: tree.mounts({ readOnlyModel: true, include: ['model'] }),
    ...(modelBinds.length ? { binds: modelBinds } : {}),
    ...(network ? { network } : { publishPort: port, hostPort: options.hostPort }),
    ...(options.env ? { env: options.env } : {}),
    ...(options.gpus ? { deviceRequests: gpuDeviceRequests(options.gpus) } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.resources ? { hostConfig: sizedHostConfig(options.resources).hostConfig } : {}),
  });
}

/** The container's address on `network` (the host reaches it there even when the network is internal). */
async function addressOn(container: RunningContainer, network: string): Promise<string> {
  const info = await container.inspect();
  const address = info.NetworkSettings.Networks?.[network]?.IPAddress;
  if (!address) throw new Error(`${container.describe()} has no address on network ${network}`);
  return address;
}
