import { limits } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import { type CheckContext } from '../../check.ts';
import { excerpt, type HttpExchange } from '../../http-exchange.ts';
import type { ProbedContainer } from '../../observations.ts';
import { mapLimit } from '../../robustness/map-limit.ts';
import { Random } from '../../robustness/random.ts';
import {
  garbageRequests,
  type GarbageRequest,
  type WorkingSample,
} from '../../robustness/serving-garbage.ts';
import { invoke, is2xx, once, readySession, requestBody, sampleAnswers } from './serving.ts';
import { scaledMs } from '../../platform-run.ts';

/** Requests in flight at once: some concurrency, as real clients bring, without swamping 2 cores. */
const CONCURRENCY = 4;
/**
 * No new garbage is sent after this long (2 minutes, or 50 ms a request for big runs), so a server
 * that hangs cannot hold the suite for hours.
 */
const timeBudgetMs = (count: number) => Math.max(120_000, count * 50);

export interface FuzzAnswer {
  request: GarbageRequest;
  answer: HttpExchange;
}

/** What the shared serving container did with the generated garbage, and how it was afterwards. */
export interface FuzzRun {
  seed: number;
  planned: number;
  answers: FuzzAnswer[];
  pingAfter: HttpExchange;
  sampleAfter: HttpExchange | undefined;
  /** Processes that ran before the garbage and were gone after it (died or restarted). */
  lostProcesses: string[];
}

/** The manifest's sample requests that the server answered 2xx, with their bodies. */
export async function workingSamples(ctx: CheckContext): Promise<WorkingSample[]> {
  const answered = await sampleAnswers(ctx);
  return Promise.all(
    answered
      .filter(({ answer }) => is2xx(answer.status))
      .map(async ({ request }) => ({
        name: request.name,
        contentType: request.contentType,
        ...(request.accept ? { accept: request.accept } : {}),
        body: await requestBody(ctx, request),
      })),
  );
}

/** Long-lived processes: seen in two listings a moment apart (a probe's short-lived child is not). */
async function stableProcesses(container: ProbedContainer): Promise<Map<number, string>> {
  const first = await container.processes();
  await new Promise((r) => setTimeout(r, 300));
  const second = new Set((await container.processes()).map((p) => p.pid));
  return new Map(first.filter((p) => second.has(p.pid)).map((p) => [p.pid, p.command]));
}

/** Sends the seeded garbage once per suite run; the garbage, strict-output and record checks judge it. */
export function fuzzRun(ctx: CheckContext): Promise<FuzzRun> {
  return once(ctx, 'fuzz', async () => {
    const session = await readySession(ctx);
    if (!(await session.container.state()).running)
      throw new BlockedError(
        'serve.ping.ok',
        'the serving container stopped before the garbage was sent',
      );
    const samples = await workingSamples(ctx);
    const random = new Random(ctx.fuzz.seed).fork('serving-garbage');
    const requests = garbageRequests(
      samples,
      ctx.fuzz.count,
      random,
      limits.realtimeMaxPayloadBytes,
    );
    const before = await stableProcesses(session.container);
    const sent = await mapLimit(
      requests,
      CONCURRENCY,
      async (request) => ({
        request,
        answer: await session.request('/invocations', {
          method: request.method,
          headers: request.headers,
          ...(request.body ? { body: request.body } : {}),
        }),
      }),
      performance.now() + scaledMs(ctx.platform, timeBudgetMs(requests.length)),
    );
    const pingAfter = await session.request('/ping', {
      timeoutMs: scaledMs(ctx.platform, limits.pingTimeoutMs),
    });
    const first = (await sampleAnswers(ctx)).find(({ answer }) => is2xx(answer.status));
    const sampleAfter = first ? await invoke(ctx, session, first.request) : undefined;
    const after = new Set((await session.container.processes().catch(() => [])).map((p) => p.pid));
    return {
      seed: ctx.fuzz.seed,
      planned: requests.length,
      answers: sent.filter((a): a is FuzzAnswer => a !== undefined),
      pingAfter,
      sampleAfter,
      lostProcesses: [...before].filter(([pid]) => !after.has(pid)).map(([, cmd]) => cmd),
    };
  });
}

/** `[non-utf8] 2 byte pair(s) that are not UTF-8 (sample csv) → 500: {"error": ...}` */
export function describeAnswer({ request, answer }: FuzzAnswer): string {
  const status = answer.status === 0 ? `no answer (${answer.body})` : String(answer.status);
  const body = answer.status !== 0 && answer.body ? `: ${excerpt(answer.body, 120)}` : '';
  return `[${request.kind}] ${request.what} (sample ${request.sample}) → ${status}${body}`;
}

/** `replay with --seed N` for messages. */
export const replay = (seed: number) => `replay this run with --seed ${seed}`;
