import { exchange, describeStatus, type HttpExchange } from './http-exchange.ts';
import { quoteLines } from './log-demux.ts';
import type { ExitResult, RunningContainer } from './running-container.ts';

/**
 * How to know a container got where it should (testcontainers' WaitStrategy): an HTTP answer, a
 * log line, or its exit. `RunningContainer.waitFor(strategy, timeoutMs)` runs one.
 */
export interface WaitStrategy<T> {
  wait(container: RunningContainer, deadline: number): Promise<T>;
}

/** What waiting for an HTTP answer saw. */
export interface HttpWait {
  /** Milliseconds from the container's start to the first wanted answer; undefined if none came. */
  readyAfterMs: number | undefined;
  /** That wanted answer. */
  answer?: HttpExchange;
  /** The last answers (at most five), the last one last. */
  answers: HttpExchange[];
  attempts: number;
  /** The container stopped before a wanted answer came. */
  exited: boolean;
}

export interface ForHttpOptions {
  /** When an answer is the wanted one; default: status 200. */
  until?: (answer: HttpExchange) => boolean;
  /** Time between attempts; default 250 ms. Attempts do not wait for each other. */
  intervalMs?: number;
  /** Budget of each request; default 2 000 ms (the /ping timeout of the contract). */
  requestTimeoutMs?: number;
  method?: 'GET' | 'POST';
  body?: string;
  /** Where `path` is, when not on the published port (e.g. the address on an internal network). */
  url?: (path: string) => string;
  /** Throw, with the last log lines, instead of returning when no wanted answer came. */
  required?: boolean;
  /** The wanted answer in words, for that error; default "answer 200". */
  wanted?: string;
}

/**
 * Asks `path` every `intervalMs` without waiting for earlier attempts (each may take its full
 * budget: docker-proxy holds connections to a port nobody listens on yet) until an answer is the
 * wanted one, the deadline passes or the container exits. Readiness is measured to within one interval.
 */
export function forHttp(path: string, options: ForHttpOptions = {}): WaitStrategy<HttpWait> {
  const { until = (a) => a.status === 200, intervalMs = 250, requestTimeoutMs = 2_000 } = options;
  return {
    async wait(container, deadline) {
      const started = performance.now();
      const what = `${options.method ?? 'GET'} ${path} to ${options.wanted ?? 'answer 200'}`;
      const url = options.url?.(path) ?? (await publishedUrl(container, path));
      if (url === undefined) {
        // It stopped before the engine could say which host port it got: nothing to ask.
        if (options.required) await container.assertRunning(`while waiting for ${what}`);
        return { readyAfterMs: undefined, answers: [], attempts: 0, exited: true };
      }
      const request = {
        method: options.method ?? 'GET',
        timeoutMs: requestTimeoutMs,
        ...(options.body ? { body: options.body } : {}),
      } as const;
      const answers: HttpExchange[] = [];
      const inFlight: Promise<void>[] = [];
      let readyAfterMs: number | undefined;
      let wanted: HttpExchange | undefined;
      let exited = false;
      while (readyAfterMs === undefined && performance.now() < deadline) {
        const attempt = exchange(url, request).then((answer) => {
          answers.push(answer);
          if (!until(answer) || wanted) return;
          wanted = answer;
          readyAfterMs = Math.round(performance.now() - container.startedAt);
        });
        inFlight.push(attempt);
        await new Promise((r) => setTimeout(r, intervalMs));
        if (readyAfterMs === undefined && !(await container.state()).running) exited = true;
        if (exited) break;
      }
      await Promise.all(inFlight);
      const result: HttpWait = {
        readyAfterMs,
        ...(wanted ? { answer: wanted as HttpExchange } : {}),
        answers: answers.slice(-5),
        attempts: inFlight.length,
        exited,
      };
      if (options.required && readyAfterMs === undefined) {
        await container.assertRunning(`while waiting for ${what}`); // exited: ContainerExitedError
        throw await notInTime(container, what, result, Math.round(deadline - started));
      }
      return result;
    },
  };
}

/**
 * The container's URL for `path` on its published port; undefined when it asked for a port but has
 * already stopped (the engine lists no port bindings for a stopped container).
 */
async function publishedUrl(container: RunningContainer, path: string) {
  if (container.hostPort === undefined && container.containerPort !== undefined) {
    if (!(await container.state()).running) return undefined;
  }
  return container.url(path);
}

async function notInTime(
  container: RunningContainer,
  what: string,
  wait: HttpWait,
  timeoutMs: number,
): Promise<Error> {
  const last = wait.answers.at(-1);
  const lastText = last ? (last.status ? `answered ${last.status}` : describeStatus(last)) : 'none';
  return new Error(
    `${what.replace(' to ', ` on ${container.describe()} did not `)} within ${timeoutMs} ms (${wait.attempts} attempts, last: ${lastText}). Last log lines:\n${quoteLines(await container.lastLogLines())}`,
  );
}

/** Waits for a log line matching `pattern`; fails when the container exits first or time runs out. */
export const forLog = (pattern: RegExp): WaitStrategy<RegExpExecArray> => ({
  wait: (container, deadline) => container.waitForLog(pattern, msLeft(deadline)),
});

/** Waits for the container to stop; `timedOut` instead of an error when it is still running. */
export const forExit = (): WaitStrategy<ExitResult> => ({
  wait: (container, deadline) => container.waitForExit(msLeft(deadline)),
});

/** Whole milliseconds until `deadline`, at least 1: AbortSignal.timeout throws on a fraction. */
export const msLeft = (deadline: number): number =>
  Math.max(1, Math.ceil(deadline - performance.now()));
