import type { ChannelSample } from '@sagemaker-templates/contract';
import type {
  MemoryKind,
  StreamedExchange,
  StreamedRequest,
  TrainingResult,
} from '@sagemaker-templates/engine';
import type { HttpExchange, HttpRequest } from './http-exchange.ts';

// The plain data that probes hand to checks: what a training run did, a serving container to talk
// to, the image's configuration. Nothing here touches Docker (only the engine's plain result types),
// so a recording can stand in for it.

export type { HttpExchange, HttpRequest, MemoryKind, StreamedExchange, StreamedRequest };

/** What one `docker run IMAGE train` did (the engine's TrainingRun result, or why it did not start). */
export interface TrainingObservation extends Omit<TrainingResult, 'modelDir'> {
  /** Why the container could not start at all (e.g. no `train` executable), else undefined. */
  startError?: string;
  /** Which fault was injected, for failing runs. */
  fault?: string;
  /** Host folder mounted at /opt/ml/model, kept until the probes are disposed. */
  modelDir?: string;
  /** The instance type the container was sized as, when it was. */
  sizedAs?: { name: string; memoryBytes: number };
}

/** How a training run differs from the manifest's sample run. */
export interface TrainingVariant {
  hyperparameters?: Record<string, string>;
  channels?: Record<string, ChannelSample>;
  /** Channel folders mounted read-only, as FastFile mode does (T16). */
  readOnlyChannels?: boolean;
  resourceConfigShape?: 'minimal' | 'full';
  host?: string;
  /**
   * No route out, as with EnableNetworkIsolation: the container runs alone on an internal network,
   * so its own host name resolves (the toolkits look every host up first) and nothing else does.
   */
  isolated?: boolean;
  /** Extra environment and bind mounts, e.g. a simulated nvidia-smi. */
  env?: Record<string, string>;
  binds?: string[];
  /** Every GPU of the host passed in, as `docker run --gpus all` does. */
  gpus?: 'all';
  /** Described in messages, e.g. "failing hyperparameters {...}". */
  fault?: string;
}

/** How a serving container differs from the shared one. */
export interface ServingVariant {
  /** Serve an empty /opt/ml/model instead of the trained model. */
  emptyModel?: boolean;
  env?: Record<string, string>;
  /** Container port to publish and talk to (default 8080). */
  port?: number;
  /** When polling /ping may stop (default: a 200). */
  until?: (answer: HttpExchange) => boolean;
  /** Shown in progress lines. */
  label?: string;
  /**
   * Multi-model mode: the model is mounted read-only at /opt/ml/models/<name>/model for each name
   * (as SageMaker stages models for an MME) and /opt/ml/model stays empty.
   */
  multiModelNames?: string[];
  /**
   * Network isolation: alone on an internal network (no route out, no outside DNS), reached from
   * this host at its address there instead of through a published port.
   */
  isolated?: boolean;
  /** Memory limit (no swap) instead of the instance size's, as a serverless endpoint gives. */
  memoryLimit?: { name: string; bytes: number };
  /** How long /ping may take to say 200; default the manifest's budgets.startupSeconds. */
  readyWithinMs?: number;
}

/** How a wait for a container's exit ended. */
export interface ExitResult {
  /** The exit code, or null when the wait timed out first. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
}

/** What checks do with a started container (the engine's RunningContainer does all of it). */
export interface ProbedContainer {
  /** `oomKilled`: the kernel killed it for using more memory than its limit. */
  state(): Promise<{ running: boolean; exitCode: number; oomKilled?: boolean }>;
  logs(): Promise<string>;
  /** Host PIDs and command lines, as `docker top` lists them. */
  processes(): Promise<{ pid: number; command: string }[]>;
  /**
   * Memory in use now, in bytes: as `docker stats` counts it, or `unreclaimable` (file cache left
   * out: what the server holds itself); undefined when unreadable.
   */
  memoryUsage(kind?: MemoryKind): Promise<number | undefined>;
  /** Samples memory until `stop()`, which answers the peak in bytes (undefined: unreadable). */
  watchMemory(intervalMs?: number, kind?: MemoryKind): { stop(): Promise<number | undefined> };
  /** CPU time used so far by all its processes, in nanoseconds; undefined when unreadable. */
  cpuTimeNs(): Promise<number | undefined>;
  /** Limits it to this many CPUs from now on (at least the engine's 0.01), as a slower instance. */
  limitCpus(cpus: number): Promise<void>;
  signal(name: string): Promise<void>;
  waitForExit(timeoutMs?: number): Promise<ExitResult>;
  /** Resolves once the logs match; rejects when the container exits first or the time runs out. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<unknown>;
}

/** A training container that was started, not waited for; `startError` when it could not start. */
export interface TrainingStart {
  container?: ProbedContainer;
  startError?: string;
}

export interface ServingSession {
  container: ProbedContainer;
  /** Milliseconds from start to the first 200 on /ping, or undefined when never ready. */
  readyAfterMs: number | undefined;
  /** Every /ping answer seen while waiting, the last one last. */
  pings: HttpExchange[];
  request(
    path: string,
    init: Omit<HttpRequest, 'timeoutMs'> & { timeoutMs?: number },
  ): Promise<HttpExchange>;
  /** A POST whose body is made as it is sent and whose answer is counted, not kept. */
  streamRequest(path: string, request: StreamedRequest): Promise<StreamedExchange>;
}

/** The parts of an image's configuration the checks read (as `docker image inspect` spells them). */
export interface ImageInfo {
  Os: string;
  Architecture: string;
  Variant?: string | undefined;
  /** Bytes. */
  Size: number;
  Config: {
    Entrypoint?: string | string[] | null | undefined;
    User?: string;
    Env?: string[];
    Labels?: Record<string, string> | null;
  };
}
