import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { limits, type SampleRequest } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import { type CheckContext } from '../../check.ts';
import type { HttpExchange } from '../../http-exchange.ts';
import type { ServingSession as Session } from '../../observations.ts';
import { scaledMs } from '../../platform-run.ts';
import { observationsOf, underlyingProbes } from '../../emulation-crash.ts';

export type { HttpExchange };

/** A content type no serving stack supports, to probe unsupported-media handling. */
export const UNSUPPORTED_CONTENT_TYPE = 'application/x-sagemaker-conformance-unsupported';

/** The shared serving container, once /ping said 200; otherwise dependent checks are blocked. */
export async function readySession(ctx: CheckContext): Promise<Session> {
  const session = await ctx.probes.serving();
  if (session.readyAfterMs === undefined) {
    throw new BlockedError('serve.ping.ok', 'the serving container never answered 200 on /ping');
  }
  return session;
}

/** The ready serving session and a sample request that worked on it (blocked otherwise). */
export async function readyWithSample(
  ctx: CheckContext,
): Promise<{ session: Session; sample: SampleRequest }> {
  const session = await readySession(ctx);
  return { session, sample: await firstWorkingSample(ctx) };
}

export async function requestBody(ctx: CheckContext, request: SampleRequest): Promise<string> {
  if (request.body !== undefined) return request.body;
  const file = request.bodyFile ?? '';
  return readFile(isAbsolute(file) ? file : resolve(ctx.manifestDir, file), 'utf8');
}

export async function invoke(
  ctx: CheckContext,
  session: Session,
  request: SampleRequest,
  extraHeaders: Record<string, string> = {},
): Promise<HttpExchange> {
  return session.request('/invocations', {
    method: 'POST',
    headers: {
      'Content-Type': request.contentType,
      ...(request.accept ? { Accept: request.accept } : {}),
      ...extraHeaders,
    },
    body: await requestBody(ctx, request),
  });
}

const memo = new WeakMap<object, Map<string, { promise: Promise<unknown>; seen: unknown[] }>>();

/**
 * Memoizes per suite run, so checks that look at the same exchanges send them once. A check that
 * reuses the result is credited with what the first one observed making it (the containers an
 * emulation crash is looked for in).
 */
export function once<T>(ctx: CheckContext, key: string, make: () => Promise<T>): Promise<T> {
  const probes = underlyingProbes(ctx.probes);
  let map = memo.get(probes);
  if (!map) memo.set(probes, (map = new Map()));
  const seen = observationsOf(ctx.probes);
  const made = map.get(key);
  if (made) {
    const credit = () => {
      if (made.seen !== seen) seen.push(...made.seen);
    };
    return (made.promise as Promise<T>).finally(credit);
  }
  const promise = make();
  map.set(key, { promise, seen });
  return promise;
}

/** The manifest's valid sample requests, each sent once, in order. */
export function sampleAnswers(
  ctx: CheckContext,
): Promise<{ request: SampleRequest; answer: HttpExchange }[]> {
  return once(ctx, 'samples', async () => {
    const session = await readySession(ctx);
    const answers = [];
    for (const request of ctx.manifest.conformance.serving?.requests ?? []) {
      answers.push({ request, answer: await invoke(ctx, session, request) });
    }
    return answers;
  });
}

/** The first sample request the server answered with 2xx; checks that need a valid request use it. */
export async function firstWorkingSample(ctx: CheckContext): Promise<SampleRequest> {
  const working = (await sampleAnswers(ctx)).find(({ answer }) => is2xx(answer.status));
  if (!working)
    throw new BlockedError('serve.invocations.content-types', 'no sample request succeeded');
  return working.request;
}

export interface BadInputAnswer {
  request: SampleRequest;
  answer: HttpExchange;
  /** /ping and the first sample request that succeeded, sent right after the bad one. */
  pingAfter: HttpExchange;
  sampleAfter: HttpExchange | undefined;
}

/** The manifest's bad requests plus an unsupported content type, each followed by a health probe. */
export function badInputAnswers(ctx: CheckContext): Promise<BadInputAnswer[]> {
  return once(ctx, 'bad-input', async () => {
    const session = await readySession(ctx);
    const serving = ctx.manifest.conformance.serving;
    // Health after bad input is judged with a request known to work, so one broken content type
    // is not mistaken for a dead server.
    const firstSample = (await sampleAnswers(ctx)).find(({ answer }) =>
      is2xx(answer.status),
    )?.request;
    const bad: SampleRequest[] = [
      ...(serving?.badRequests ?? []),
      {
        name: 'unsupported-content-type',
        contentType: UNSUPPORTED_CONTENT_TYPE,
        body: 'conformance',
      },
    ];
    const answers: BadInputAnswer[] = [];
    for (const request of bad) {
      const answer = await invoke(ctx, session, request);
      const pingAfter = await session.request('/ping', {
        timeoutMs: scaledMs(ctx.platform, limits.pingTimeoutMs),
      });
      const sampleAfter = firstSample ? await invoke(ctx, session, firstSample) : undefined;
      answers.push({ request, answer, pingAfter, sampleAfter });
    }
    return answers;
  });
}

export const servesOnly = ({ manifest }: CheckContext): string | undefined =>
  manifest.capabilities.serve
    ? undefined
    : 'the image does not serve (capabilities.serve is false)';

/**
 * Why a deployment type's checks do not apply, if they do not: the image does not serve, or
 * template.json declines that deployment (notDeployedAs, with its reason) or does not declare it.
 */
export function deployedAs(
  ctx: CheckContext,
  kind: 'serverless' | 'async',
  what: string,
): string | undefined {
  const { capabilities, notDeployedAs } = ctx.manifest;
  const serving = servesOnly(ctx);
  if (serving || capabilities[kind]) return serving;
  const reason = notDeployedAs[kind];
  return reason
    ? `not deployed as ${what} (template.json notDeployedAs.${kind}: ${reason})`
    : `template.json declares no capabilities.${kind} (the image is not deployed as ${what})`;
}

export const is2xx = (status: number): boolean => status >= 200 && status < 300;
