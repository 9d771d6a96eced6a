import { limits, type SampleRequest } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import type { CheckContext } from '../../check.ts';
import type { HttpExchange } from '../../http-exchange.ts';
import type { ServingSession } from '../../observations.ts';
import { scaledMs } from '../../platform-run.ts';
import { mostGrowingSample, sendBatch, type LargestBatch } from './largest-batch.ts';
import { deployedAs, invoke, is2xx, once, readySession, sampleAnswers } from './serving.ts';

/** Why the serverless checks do not apply, if they do not. */
export const serverlessOnly = (ctx: CheckContext): string | undefined =>
  deployedAs(ctx, 'serverless', 'a serverless endpoint');

/** The serverless memory size in MiB (only called where {@link serverlessOnly} allowed the check). */
export const memorySizeMb = (ctx: CheckContext): number =>
  ctx.manifest.capabilities.serverless?.memorySizeMb ?? 0;

/**
 * A serving container started as a serverless endpoint runs it (I14): limited to the memory size,
 * with no swap and no GPU, given 3 minutes (scaled under emulation) to answer 200 on /ping.
 */
export function serverlessSession(ctx: CheckContext): Promise<ServingSession> {
  const mb = memorySizeMb(ctx);
  return ctx.probes.servingVariant('serverless', {
    label: `serverless, ${mb} MB`,
    memoryLimit: { name: `serverless ${mb} MB`, bytes: mb * 2 ** 20 },
    readyWithinMs: scaledMs(ctx.platform, limits.serverlessPingWindowMs),
  });
}

/** The serverless container once ready; blocked by serverless.ready otherwise. */
export async function readyServerless(ctx: CheckContext): Promise<ServingSession> {
  const session = await serverlessSession(ctx);
  if (session.readyAfterMs === undefined)
    throw new BlockedError('serverless.ready', 'the serverless container never became healthy');
  return session;
}

/**
 * The samples the unlimited container answered 2xx: a content type broken everywhere fails its own
 * check (serve.invocations.content-types), not the serverless ones.
 */
async function workingSamples(ctx: CheckContext): Promise<SampleRequest[]> {
  await readySession(ctx);
  const working = (await sampleAnswers(ctx)).filter(({ answer }) => is2xx(answer.status));
  if (working.length === 0)
    throw new BlockedError('serve.invocations.content-types', 'no sample request succeeded');
  return working.map(({ request }) => request);
}

/** What the serverless container answered: each sample, then the largest body it may get. */
export interface ServerlessExchanges {
  samples: { request: SampleRequest; answer: HttpExchange }[];
  /** A line-based sample grown to just under 4 MB; undefined when no such sample worked. */
  batch: LargestBatch | undefined;
  /** The container afterwards. */
  state: { running: boolean; exitCode: number; oomKilled?: boolean };
  memoryBytes: number | undefined;
}

/** The manifest's samples, then the 4 MB batch, sent one at a time to the serverless container. */
export function serverlessExchanges(ctx: CheckContext): Promise<ServerlessExchanges> {
  return once(ctx, 'serverless-exchanges', async () => {
    const session = await readyServerless(ctx);
    const samples = [];
    for (const request of await workingSamples(ctx))
      samples.push({ request, answer: await invoke(ctx, session, request) });
    const sample = await mostGrowingSample(ctx, samples);
    const batch = sample
      ? await sendBatch(ctx, session, sample, limits.serverlessMaxPayloadBytes)
      : undefined;
    const memoryBytes = await session.container.memoryUsage();
    return { samples, batch, state: await session.container.state(), memoryBytes };
  });
}

/** `1024 MB`: a byte count in MiB, as MemorySizeInMB counts. */
export const inMb = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

/** "it was killed for lack of memory (OOMKilled)" or "it exited with code N", for a stopped container. */
export function whyStopped(state: { exitCode: number; oomKilled?: boolean }): string {
  return state.oomKilled
    ? 'it was killed for using more memory than that (OOMKilled)'
    : `it exited with code ${state.exitCode}`;
}
