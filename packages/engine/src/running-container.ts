import type Docker from 'dockerode';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ContainerExitedError } from './container-exited-error.ts';
import type { CopiedMounts } from './copied-mounts.ts';
import { hasEngineStatus } from './engine-status.ts';
import type { WaitStrategy } from './wait-strategy.ts';
import { demuxLogs, lastLines, LogDemuxer, quoteLines } from './log-demux.ts';

/** How memory is counted: see RunningContainer.memoryUsage. */
export type MemoryKind = 'in-use' | 'unreclaimable';

/** How a wait for a container's exit ended. */
export interface ExitResult {
  /** The exit code, or null when the wait timed out first. */
  exitCode: number | null;
  timedOut: boolean;
  /** Milliseconds from the container's start to its exit (or to the timeout). */
  durationMs: number;
}

const LOG_LINES_IN_ERRORS = 30;
const STDERR_LINES_KEPT = 5;
/** The smallest CPU limit the engine accepts (`docker update --cpus 0.01`). */
export const MIN_CPUS = 0.01;

/** A started container: wait on it, read its logs, signal, stop and remove it. `await using` removes it. */
export class RunningContainer implements AsyncDisposable {
  readonly id: string;
  private removal: Promise<void> | undefined;

  constructor(
    readonly container: Docker.Container,
    readonly image: string,
    readonly cmd: readonly string[],
    /** Host port on {@link host} that forwards to {@link containerPort}, when one was published. */
    readonly hostPort: number | undefined,
    readonly containerPort: number | undefined,
    /** `performance.now()` when the engine reported the container started. */
    readonly startedAt: number,
    {
      host = '127.0.0.1',
      copied,
    }: {
      /** Where the published port is reached: loopback, or a remote engine's host name. */
      host?: string;
      /** Folders copied into volumes (a remote engine): copied back once it stops, removed with it. */
      copied?: CopiedMounts;
    } = {},
  ) {
    this.id = container.id;
    this.host = host;
    this.#copied = copied;
  }

  readonly host: string;
  readonly #copied: CopiedMounts | undefined;
  #copiedBack = false;

  /**
   * Copies what the stopped container wrote to its copied mounts back to their host folders, once
   * (nothing to do when the engine shares this file system: the folders are bound).
   */
  async copyBack(): Promise<void> {
    if (!this.#copied || this.#copiedBack) return;
    try {
      await this.#copied.copyBack(this.container);
    } catch (error) {
      // Removed meanwhile (by a check that is done with it): nothing is left to read.
      if (hasEngineStatus(error, 404)) return;
      throw new Error(
        `Cannot copy /opt/ml results of ${this.describe()} back from the engine: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    this.#copiedBack = true;
  }

  /** `container <short id> (image <image>, cmd <cmd>)`, for messages. */
  describe(): string {
    return `container ${this.id.slice(0, 12)} (image ${this.image}${this.cmd.length ? `, cmd \`${this.cmd.join(' ')}\`` : ''})`;
  }

  /** `http://<host>:<hostPort><path>`; throws when no port was published. */
  url(path = '/'): string {
    if (this.hostPort === undefined) {
      throw new Error(`${this.describe()} publishes no port. Start it with \`publishPort: true\`.`);
    }
    return `http://${this.host}:${this.hostPort}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /** The engine's full description of the container. */
  inspect(): Promise<Docker.ContainerInspectInfo> {
    return this.container.inspect();
  }

  /** Whether it runs, and its exit code once it has stopped. */
  async state(): Promise<{ running: boolean; exitCode: number; oomKilled: boolean }> {
    const { State } = await this.inspect();
    return {
      running: State.Running || State.Restarting,
      exitCode: State.ExitCode,
      oomKilled: State.OOMKilled,
    };
  }

  /**
   * The container's memory use now, in bytes: `in-use` as `docker stats` counts it (the cgroup's use
   * less inactive file cache, which the kernel reclaims first), or `unreclaimable` (less all file
   * cache: what a server holds itself, not file pages it wrote or read, which the kernel drops under
   * a limit; tmpfs stays counted). Undefined once it has stopped.
   */
  async memoryUsage(kind: MemoryKind = 'in-use'): Promise<number | undefined> {
    return (await this.#memoryStats())?.[kind];
  }

  /**
   * Samples the container's memory use (see memoryUsage) every `intervalMs` until `stop()`, which
   * answers the peak in bytes: for `in-use`, the cgroup's own high-water mark where the engine
   * reports it (cgroup v1), else the highest use sampled. Undefined when no sample could be read.
   */
  watchMemory(
    intervalMs = 500,
    kind: MemoryKind = 'in-use',
  ): { stop(): Promise<number | undefined> } {
    let peak: number | undefined;
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const stats = await this.#memoryStats();
        const seen = kind === 'in-use' ? (stats?.maxUsage ?? stats?.[kind]) : stats?.[kind];
        if (seen) peak = Math.max(peak ?? 0, seen);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
        return peak;
      },
    };
  }

  /** CPU time the container has used so far, in nanoseconds (all its processes); undefined once stopped. */
  async cpuTimeNs(): Promise<number | undefined> {
    const stats = (await (this.container.stats({ stream: false }) as Promise<unknown>).catch(
      () => undefined,
    )) as { cpu_stats?: { cpu_usage?: { total_usage?: number } } } | undefined;
    return stats?.cpu_stats?.cpu_usage?.total_usage || undefined;
  }

  /**
   * Changes the container's CPU limit while it runs (`docker update --cpus`): a fraction of one CPU
   * makes the same work take longer, as on a slower instance. The engine takes from 0.01 CPUs to
   * the host's count.
   */
  async limitCpus(cpus: number): Promise<void> {
    const allowed = Math.min(availableParallelism(), Math.max(MIN_CPUS, cpus));
    await this.container.update({ NanoCpus: Math.round(allowed * 1e9) });
  }

  /** One reading of the engine's memory statistics (cgroup v2 names, else v1's total_*). */
  async #memoryStats(): Promise<(Record<MemoryKind, number> & { maxUsage?: number }) | undefined> {
    const request = this.container.stats({ stream: false }) as Promise<unknown>;
    const stats = (await request.catch(() => undefined)) as
      | { memory_stats?: { usage?: number; max_usage?: number; stats?: Record<string, number> } }
      | undefined;
    const memory = stats?.memory_stats;
    if (!memory?.usage) return undefined;
    const counted = memory.stats ?? {};
    const inactive = counted.inactive_file ?? counted.total_inactive_file ?? 0;
    const active = counted.active_file ?? counted.total_active_file ?? 0;
    const readings = {
      'in-use': Math.max(0, memory.usage - inactive),
      unreclaimable: Math.max(0, memory.usage - inactive - active),
    };
    return memory.max_usage ? { ...readings, maxUsage: memory.max_usage } : readings;
  }

  /** Stdout and stderr interleaved as text (or only one of them). */
  async logs({
    tail,
    stdout = true,
    stderr = true,
  }: { tail?: number; stdout?: boolean; stderr?: boolean } = {}): Promise<string> {
    const buffer = await this.container.logs({
      stdout,
      stderr,
      follow: false,
      ...(tail === undefined ? {} : { tail }),
    });
    return demuxLogs(buffer).combined;
  }

  /** Copies the container's output, as it comes, onto `stdout` and `stderr` (e.g. this process's). */
  async followLogs(
    stdout: NodeJS.WritableStream = process.stdout,
    stderr: NodeJS.WritableStream = process.stderr,
  ): Promise<void> {
    const stream = await this.container.logs({ follow: true, stdout: true, stderr: true });
    this.container.modem.demuxStream(stream, stdout, stderr);
  }

  /**
   * The last `count` log lines, followed by any of the last stderr lines that they miss; an empty
   * list when the container is gone. The engine copies stdout and stderr separately, so a burst
   * of stdout can push an error written just after it out of the combined tail.
   */
  async lastLogLines(count = LOG_LINES_IN_ERRORS): Promise<string[]> {
    try {
      const combined = lastLines(await this.logs({ tail: count }), count);
      // No `tail` here: the engine applies it to both streams before filtering, which could leave
      // no stderr line at all after a burst of stdout.
      const stderr = lastLines(await this.logs({ stdout: false }), STDERR_LINES_KEPT);
      const missing = stderr.filter((line) => !combined.includes(line));
      return [...combined, ...missing];
    } catch {
      return [];
    }
  }

  /** Waits as `strategy` says (forHttp, forLog, forExit), for at most `timeoutMs`. */
  waitFor<T>(strategy: WaitStrategy<T>, timeoutMs = 60_000): Promise<T> {
    return strategy.wait(this, performance.now() + timeoutMs);
  }

  /** Waits until the logs match `pattern`; fails when the container exits first or the time runs out. */
  async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const regex = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let text = '';
    try {
      const stream = (await this.container.logs({
        follow: true,
        stdout: true,
        stderr: true,
        abortSignal: abort.signal,
      })) as unknown as Readable;
      const demuxer = new LogDemuxer();
      const decoder = new StringDecoder('utf8');
      try {
        for await (const chunk of stream) {
          for (const frame of demuxer.push(chunk as Buffer)) text += decoder.write(frame.data);
          if (text.length > 4_000_000) text = text.slice(-2_000_000);
          const match = regex.exec(text);
          if (match) return match;
        }
      } finally {
        stream.destroy();
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
    }
    const waitingFor = `while waiting for a log line matching ${regex}`;
    if (!abort.signal.aborted) await this.assertRunning(waitingFor);
    throw new Error(
      `${this.describe()} wrote no log line matching ${regex} within ${timeoutMs} ms. Last log lines:\n${quoteLines(lastLines(text, LOG_LINES_IN_ERRORS))}`,
    );
  }

  /** Waits for the container to stop; `timedOut` instead of an error when it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs = 60_000): Promise<ExitResult> {
    const abortSignal = AbortSignal.timeout(timeoutMs);
    try {
      const { StatusCode } = (await this.container.wait({
        condition: 'not-running',
        abortSignal,
      })) as { StatusCode: number };
      await this.copyBack();
      return {
        exitCode: StatusCode,
        timedOut: false,
        durationMs: Math.round(performance.now() - this.startedAt),
      };
    } catch (error) {
      if (!abortSignal.aborted) throw error;
      return {
        exitCode: null,
        timedOut: true,
        durationMs: Math.round(performance.now() - this.startedAt),
      };
    }
  }

  /** Runs a command inside the running container and collects its output. */
  async exec(
    cmd: string[],
    { user, env }: { user?: string; env?: Record<string, string> } = {},
  ): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const exec = await this.container.exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      ...(user ? { User: user } : {}),
      ...(env ? { Env: Object.entries(env).map(([key, value]) => `${key}=${value}`) } : {}),
    });
    const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const { stdout, stderr } = demuxLogs(Buffer.concat(chunks));
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? -1, stdout, stderr };
  }

  /** The container's processes as the engine lists them (`docker top`): host PIDs and command lines. */
  async processes(): Promise<{ pid: number; command: string }[]> {
    const top = (await this.container.top()) as { Titles: string[]; Processes: string[][] };
    const pidAt = top.Titles.indexOf('PID');
    const commandAt = top.Titles.findIndex((t) => t === 'CMD' || t === 'COMMAND');
    return top.Processes.map((row) => ({
      pid: Number(row[pidAt]),
      command: row[commandAt] ?? row.at(-1) ?? '',
    }));
  }

  /** Sends a signal (`SIGTERM`, `SIGINT`, ...) to the container's main process. */
  async signal(name: string): Promise<void> {
    try {
      await this.container.kill({ signal: name });
    } catch (error) {
      if (!hasEngineStatus(error, 409)) throw error;
      const { exitCode } = await this.state();
      throw new Error(
        `Cannot send ${name} to ${this.describe()}: it is no longer running (exit code ${exitCode}).`,
        { cause: error },
      );
    }
  }

  /** SIGTERM (the image's stop signal), then SIGKILL after `timeoutSeconds`; does nothing when already stopped or removed. */
  async stop({ timeoutSeconds = 10 }: { timeoutSeconds?: number } = {}): Promise<void> {
    try {
      await this.container.stop({ t: timeoutSeconds });
    } catch (error) {
      if (!hasEngineStatus(error, 304, 404)) throw error;
      if (hasEngineStatus(error, 404)) return;
    }
    await this.copyBack();
  }

  /** Removes the container and its anonymous volumes, killing it if needed; safe to call more than once. */
  remove(): Promise<void> {
    this.removal ??= this.container.remove({ force: true, v: true }).then(
      () => this.#copied?.remove(),
      (error: unknown) => {
        // 404: already gone; 409: the engine is already removing it.
        if (!hasEngineStatus(error, 404, 409)) {
          this.removal = undefined;
          throw error;
        }
      },
    );
    return this.removal;
  }

  /** Removes the container (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.remove();
  }

  /** Throws {@link ContainerExitedError} when the container is no longer running. */
  async assertRunning(waitingFor: string): Promise<void> {
    let state: Awaited<ReturnType<RunningContainer['state']>>;
    try {
      state = await this.state();
    } catch (error) {
      if (hasEngineStatus(error, 404))
        throw new Error(`${this.describe()} was removed ${waitingFor}.`, { cause: error });
      throw error;
    }
    if (!state.running) {
      throw new ContainerExitedError(
        this.describe(),
        state.exitCode,
        waitingFor,
        await this.lastLogLines(),
        state.oomKilled,
      );
    }
  }
}
