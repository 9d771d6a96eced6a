import { env, type AsyncDeployment } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import type { CheckContext } from '../../check.ts';
import type { ServingSession, StreamedExchange } from '../../observations.ts';
import { scaledMs } from '../../platform-run.ts';
import { grownChunks, mostGrowingSample, planGrowth, type GrownPlan } from './largest-batch.ts';
import { deployedAs, is2xx, once, readySession, requestBody, sampleAnswers } from './serving.ts';
import type { SampleRequest } from '@sagemaker-templates/contract';

const MiB = 2 ** 20;

/** Why the asynchronous-endpoint checks do not apply, if they do not. */
export const asyncOnly = (ctx: CheckContext): string | undefined =>
  deployedAs(ctx, 'async', 'an asynchronous endpoint');

/** capabilities.async (only called where {@link asyncOnly} allowed the check). */
export function asyncDeployment(ctx: CheckContext): AsyncDeployment {
  const deployment = ctx.manifest.capabilities.async;
  if (!deployment) throw new Error('template.json declares no capabilities.async');
  return deployment;
}

/** The model's Environment for its asynchronous deployment: the server timeout is the longest request. */
export const asyncEnvironment = (d: AsyncDeployment): Record<string, string> => ({
  [env.modelServerTimeout]: String(d.maxRequestSeconds),
  ...d.environment,
});

/** The container started as the asynchronous endpoint runs it (I15); never shared with others. */
export function asyncSession(ctx: CheckContext): Promise<ServingSession> {
  const deployment = asyncDeployment(ctx);
  return ctx.probes.servingVariant('async', {
    label: `asynchronous endpoint, ${deployment.maxPayloadMb} MB bodies`,
    env: asyncEnvironment(deployment),
  });
}

/** The largest body: the line-based sample whose answer grows most, repeated to maxPayloadMb. */
export interface LargestAsyncBody {
  sample: SampleRequest;
  plan: GrownPlan;
}

/** What the asynchronous endpoint did with its largest body. */
export interface AsyncExchange {
  body: LargestAsyncBody;
  answer: StreamedExchange;
  /** Memory in use before the request, and the highest sampled while it ran (bytes). */
  idleBytes?: number;
  peakBytes?: number;
  /** CPU time the container spent on it (ns): what async.long-request throttles against. */
  cpuNs?: number;
  state: { running: boolean; exitCode: number; oomKilled?: boolean };
}

/** The asynchronous endpoint's container once healthy; blocked by async.payload otherwise. */
export async function readyAsync(ctx: CheckContext): Promise<ServingSession> {
  await readySession(ctx); // never healthy even as a real-time endpoint: serve.ping.ok says why
  const session = await asyncSession(ctx);
  if (session.readyAfterMs === undefined)
    throw new BlockedError('async.payload', 'the asynchronous endpoint never became healthy');
  return session;
}

/** The body async.payload sends; blocked when no line-based sample works as a real-time request. */
export async function largestAsyncBody(ctx: CheckContext): Promise<LargestAsyncBody> {
  const sample = await mostGrowingSample(ctx, await sampleAnswers(ctx));
  if (!sample)
    throw new BlockedError(
      'serve.invocations.content-types',
      'no line-based sample request succeeded',
    );
  const limit = asyncDeployment(ctx).maxPayloadMb * MiB;
  return { sample, plan: planGrowth(await requestBody(ctx, sample), limit) };
}

/** Streams the largest body to the endpoint, waiting at most `timeoutMs` for the whole answer. */
export function sendLargest(
  session: ServingSession,
  { sample, plan }: LargestAsyncBody,
  timeoutMs: number,
): Promise<StreamedExchange> {
  return session.streamRequest('/invocations', {
    headers: {
      'Content-Type': sample.contentType,
      ...(sample.accept ? { Accept: sample.accept } : {}),
    },
    body: grownChunks(plan),
    bodyBytes: plan.bytes,
    timeoutMs,
  });
}

/** The longest a request may run, as this run applies it (scaled under emulation). */
export const maxRequestMs = (ctx: CheckContext): number =>
  scaledMs(ctx.platform, asyncDeployment(ctx).maxRequestSeconds * 1000);

/** The largest body sent once to a healthy asynchronous endpoint, measured: shared by the async checks. */
export function asyncExchange(ctx: CheckContext): Promise<AsyncExchange> {
  return once(ctx, 'async-exchange', async () => {
    const session = await readyAsync(ctx);
    const body = await largestAsyncBody(ctx);
    const { container } = session;
    // File cache left out: a body spooled to disk (nginx, a temp file) is not held in memory.
    const idleBytes = await container.memoryUsage('unreclaimable');
    const cpuBefore = await container.cpuTimeNs();
    const watch = container.watchMemory(250, 'unreclaimable');
    const answer = await sendLargest(session, body, maxRequestMs(ctx));
    const peakBytes = await watch.stop();
    const cpuAfter = await container.cpuTimeNs();
    const cpuNs =
      cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
    return {
      body,
      answer,
      ...(idleBytes === undefined ? {} : { idleBytes }),
      ...(peakBytes === undefined ? {} : { peakBytes }),
      ...(cpuNs === undefined ? {} : { cpuNs }),
      state: await container.state(),
    };
  });
}

/** The exchange once the endpoint answered it 2xx; blocked by async.payload otherwise. */
export async function answeredExchange(ctx: CheckContext): Promise<AsyncExchange> {
  const ex = await asyncExchange(ctx);
  if (!is2xx(ex.answer.status) || !ex.state.running)
    throw new BlockedError('async.payload', 'the largest body was not answered 2xx');
  return ex;
}

/** Line-based answer types, whose lines can be counted against the records sent. */
export const isLineAnswer = (contentType: string): boolean =>
  /^(text\/csv|application\/(jsonlines|jsonl|x-jsonlines))\b/i.test(contentType.trim());
