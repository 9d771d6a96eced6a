import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Probes } from '../check.ts';
import type {
  HttpExchange,
  ImageInfo,
  ProbedContainer,
  ServingSession,
  ServingVariant,
  StreamedExchange,
  TrainingObservation,
  TrainingStart,
  TrainingVariant,
} from '../observations.ts';

/** A request as the fake server received it. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The body decoded as UTF-8 ('' when there is none). */
  body: string;
  raw: Buffer;
}

/** One row of a fake server's table; the first row whose conditions all hold answers. */
export interface Route {
  method?: string;
  path?: string | RegExp;
  /** Header values (names in any case) the request must carry, exactly or matching. */
  headers?: Record<string, string | RegExp>;
  body?: (body: string, request: FakeRequest) => boolean;
  answer: HttpExchange | ((request: FakeRequest) => HttpExchange);
}

/** A container as it behaves under the checks. */
export interface ContainerRecording {
  /** Default: running. */
  running?: boolean;
  /** The exit code once stopped (default 0). */
  exitCode?: number;
  logs?: string;
  /** What `docker top` lists, one listing per call; the last one repeats. */
  processes?: { pid: number; command: string }[][];
  /** The exit code SIGTERM leads to; without one the signal is ignored. */
  exitOnSigterm?: number;
  /** Killed for using more memory than its limit (only meaningful when not running). */
  oomKilled?: boolean;
  /** Memory use in bytes, one reading per call; the last one repeats. None: unreadable. */
  memory?: number[];
  /** What each watchMemory() answers as its peak, in turn; the last one repeats. */
  peaks?: number[];
  /** CPU time in ns, one reading per call; the last one repeats. None: unreadable. */
  cpuTimesNs?: number[];
  /** Filled in by the fake: every CPU limit the checks set, in order. */
  cpuLimits?: number[];
}

/** A serving container: readiness, the /ping answers seen while waiting, and what it answers. */
export interface SessionRecording {
  /** Undefined: /ping never said 200. */
  readyAfterMs?: number;
  pings?: HttpExchange[];
  routes?: Route[];
  container?: ContainerRecording;
}

type RecordedRun =
  TrainingObservation | ((variant: TrainingVariant, key: string) => TrainingObservation);

/**
 * Everything a fake image does, keyed as DockerProbes shares its observations: training runs by
 * `training`, `failing-training` and `training:<key>` (`training:*` answers every key not listed),
 * serving sessions by `serving` and `serving:<key>`.
 */
export interface Recording {
  image?: Partial<Omit<ImageInfo, 'Config'>> & { Config?: ImageInfo['Config'] };
  files?: Record<string, string>;
  sharedLibraries?: string[] | Error;
  hostGpus?: number;
  training?: Record<string, RecordedRun>;
  multiHost?: TrainingObservation[];
  /** The container startTraining starts, or why it could not start. */
  started?: ContainerRecording | { startError: string };
  serving?: Record<string, SessionRecording>;
}

/** Probes that answer from a recording instead of Docker, for unit tests of every check's run(). */
export class FakeProbes implements Probes {
  /** Every observation asked for, in order, with the variant it was asked with. */
  readonly asked: { key: string; variant?: TrainingVariant | ServingVariant }[] = [];
  /** The requests each serving session received, by its key. */
  readonly sent = new Map<string, FakeRequest[]>();
  #memo = new Map<string, Promise<unknown>>();
  #dirs: string[] = [];

  constructor(private readonly recording: Recording) {}

  async imageInfo(): Promise<ImageInfo> {
    const { Config, ...rest } = this.recording.image ?? {};
    return { Os: 'linux', Architecture: 'amd64', Size: 100e6, ...rest, Config: Config ?? {} };
  }

  async imageFiles(paths: readonly string[]): Promise<Map<string, string | undefined>> {
    return new Map(paths.map((path) => [path, this.recording.files?.[path]]));
  }

  async sharedLibraries(): Promise<string[] | Error> {
    return this.#recorded('shared-libraries', this.recording.sharedLibraries);
  }

  async hostGpus(): Promise<number> {
    return this.recording.hostGpus ?? 0;
  }

  async scratchDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    this.#dirs.push(dir);
    return dir;
  }

  training(): Promise<TrainingObservation> {
    return this.#run('training', {});
  }

  failingTraining(): Promise<TrainingObservation> {
    return this.#run('failing-training', {});
  }

  trainingVariant(key: string, variant: TrainingVariant): Promise<TrainingObservation> {
    return this.#run(`training:${key}`, variant);
  }

  async multiHostTraining(): Promise<TrainingObservation[]> {
    this.asked.push({ key: 'multi-host' });
    return this.#recorded('multi-host', this.recording.multiHost);
  }

  async startTraining(variant: TrainingVariant): Promise<TrainingStart> {
    this.asked.push({ key: 'start-training', variant });
    const started = this.#recorded('start-training', this.recording.started);
    return 'startError' in started ? started : { container: fakeContainer(started) };
  }

  serving(): Promise<ServingSession> {
    return this.#session('serving', {});
  }

  servingVariant(key: string, variant: ServingVariant): Promise<ServingSession> {
    return this.#session(`serving:${key}`, variant);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }

  #recorded<T>(key: string, value: T | undefined): T {
    if (value === undefined) throw new Error(`FakeProbes: nothing recorded for "${key}"`);
    return value;
  }

  #once<T>(key: string, variant: TrainingVariant | ServingVariant, make: () => T): Promise<T> {
    this.asked.push({ key, variant });
    if (!this.#memo.has(key)) this.#memo.set(key, Promise.resolve().then(make));
    return this.#memo.get(key) as Promise<T>;
  }

  #run(key: string, variant: TrainingVariant): Promise<TrainingObservation> {
    return this.#once(key, variant, () => {
      const runs = this.recording.training ?? {};
      const run = this.#recorded(
        key,
        runs[key] ?? (key.includes(':') ? runs['training:*'] : undefined),
      );
      return typeof run === 'function' ? run(variant, key) : run;
    });
  }

  #session(key: string, variant: ServingVariant): Promise<ServingSession> {
    return this.#once(key, variant, () => {
      const recorded = this.#recorded(key, this.recording.serving?.[key]);
      const sent: FakeRequest[] = [];
      this.sent.set(key, sent);
      return {
        container: fakeContainer(recorded.container ?? {}),
        readyAfterMs: recorded.readyAfterMs,
        pings: recorded.pings ?? [],
        request: async (path, init) => {
          const request = fakeRequest(path, init);
          sent.push(request);
          return answer(key, recorded.routes ?? [], request);
        },
        streamRequest: async (path, { headers, body }) => {
          const chunks: Buffer[] = [];
          for await (const chunk of body) chunks.push(chunk);
          const request = fakeRequest(path, {
            method: 'POST',
            body: Buffer.concat(chunks),
            ...(headers ? { headers } : {}),
          });
          sent.push(request);
          return streamed(answer(key, recorded.routes ?? [], request));
        },
      };
    });
  }
}

function fakeRequest(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): FakeRequest {
  const raw = init.body === undefined ? Buffer.alloc(0) : Buffer.from(init.body);
  const headers = Object.fromEntries(
    Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { method: init.method ?? 'GET', path, headers, body: raw.toString('utf8'), raw };
}

const matches = (pattern: string | RegExp, value: string | undefined) =>
  value !== undefined && (typeof pattern === 'string' ? pattern === value : pattern.test(value));

function answer(key: string, routes: Route[], request: FakeRequest): HttpExchange {
  const route = routes.find(
    (r) =>
      (r.method === undefined || r.method === request.method) &&
      (r.path === undefined || matches(r.path, request.path)) &&
      Object.entries(r.headers ?? {}).every(([name, value]) =>
        matches(value, request.headers[name.toLowerCase()]),
      ) &&
      (r.body === undefined || r.body(request.body, request)),
  );
  if (!route)
    throw new Error(`FakeProbes: no route of "${key}" answers ${request.method} ${request.path}`);
  return typeof route.answer === 'function' ? route.answer(request) : route.answer;
}

/** An answer as streamedExchange counts it. */
function streamed({ raw, ...answer }: HttpExchange): StreamedExchange {
  const bytes = raw ?? Buffer.from(answer.body);
  const newlines = bytes.toString('utf8').split('\n').length - 1;
  const unterminated = bytes.length > 0 && bytes.at(-1) !== 0x0a ? 1 : 0;
  return { ...answer, receivedBytes: bytes.length, receivedLines: newlines + unterminated };
}

/** A container that behaves as recorded: SIGTERM stops it only when `exitOnSigterm` says so. */
export function fakeContainer(recording: ContainerRecording): ProbedContainer {
  let running = recording.running ?? true;
  let exitCode = recording.exitCode ?? 0;
  const listings = recording.processes ?? [[]];
  let listed = 0;
  const next = <T>(values: T[] | undefined) => {
    let read = 0;
    return () => values?.[Math.min(read++, values.length - 1)];
  };
  const memory = next(recording.memory);
  const peak = next(recording.peaks);
  const cpu = next(recording.cpuTimesNs);
  return {
    state: async () => ({ running, exitCode, oomKilled: recording.oomKilled ?? false }),
    memoryUsage: async () => memory(),
    watchMemory: () => ({ stop: async () => peak() }),
    cpuTimeNs: async () => cpu(),
    limitCpus: async (cpus) => {
      (recording.cpuLimits ??= []).push(cpus);
    },
    logs: async () => recording.logs ?? '',
    processes: async () => {
      if (!running) throw new Error('the container is not running');
      return listings[Math.min(listed++, listings.length - 1)] ?? [];
    },
    signal: async (name) => {
      if (!running) throw new Error(`Cannot send ${name}: the container is no longer running`);
      if (name === 'SIGTERM' && recording.exitOnSigterm !== undefined) {
        running = false;
        exitCode = recording.exitOnSigterm;
      }
    },
    waitForExit: async (timeoutMs = 60_000) =>
      running
        ? { exitCode: null, timedOut: true, durationMs: timeoutMs }
        : { exitCode, timedOut: false, durationMs: 10 },
    waitForLog: async (pattern) => {
      const match = pattern.exec(recording.logs ?? '');
      if (match) return match;
      throw new Error(
        running ? `no log line matches ${pattern}` : `the container exited ${exitCode} first`,
      );
    },
  };
}
