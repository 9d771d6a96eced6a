import { limits, type SampleRequest } from '@sagemaker-templates/contract';
import { BlockedError } from '../../blocked-error.ts';
import { fail, pass, skip, type Check, type CheckContext, type Outcome } from '../../check.ts';
import { describeStatus, type HttpExchange } from '../../http-exchange.ts';
import type { ServingSession } from '../../observations.ts';
import { scaledMs } from '../../platform-run.ts';
import { invoke, is2xx, readyWithSample, servesOnly } from '../support/serving.ts';

/**
 * Load before the first memory reading, so that start-up allocation and JIT warm-up do not count:
 * a second, or a fifth of the load for short runs.
 */
const warmUpMs = (seconds: number) => Math.min(1000, (seconds * 1000) / 5);
/** Clients sending one request after another, as a steady trickle of production traffic does. */
const CLIENTS = 4;
const MB = 1e6;

/** What a stretch of sustained valid load did to the server. */
export interface LongevityRun {
  seconds: number;
  requests: number;
  failed: HttpExchange[];
  /** Memory in use after the warm-up and after the load; undefined when unreadable. */
  before: number | undefined;
  after: number | undefined;
  pingAfter: HttpExchange;
}

/** Sends `sample` from CLIENTS clients until `ms` have passed; every answer that is not 2xx. */
async function sustain(
  ctx: CheckContext,
  session: ServingSession,
  sample: SampleRequest,
  ms: number,
): Promise<{ requests: number; failed: HttpExchange[] }> {
  const until = performance.now() + ms;
  const failed: HttpExchange[] = [];
  let requests = 0;
  const client = async () => {
    while (performance.now() < until) {
      const answer = await invoke(ctx, session, sample);
      requests += 1;
      if (!is2xx(answer.status)) failed.push(answer);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { requests, failed };
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);

/** No errors, /ping still 200, and memory grown by at most the budget. */
export function judgeLongevity(run: LongevityRun, budgetMb: number): Outcome {
  const load = `${run.requests} valid requests from ${CLIENTS} clients in ${run.seconds} s`;
  if (run.failed.length > 0) {
    const statuses = [...new Set(run.failed.map(describeStatus))].join(', ');
    return fail(`${run.failed.length} of ${load} failed (${statuses}), expected none`);
  }
  if (run.pingAfter.status !== 200)
    return fail(`after ${load}, GET /ping answered ${describeStatus(run.pingAfter)}, expected 200`);
  if (run.before === undefined || run.after === undefined)
    return skip(`${load}, no errors; the engine did not report the container's memory`);
  const growth = run.after - run.before;
  const memory = `memory ${mb(run.before)} → ${mb(run.after)} MB (${growth >= 0 ? '+' : ''}${mb(growth)})`;
  if (growth > budgetMb * MB)
    return fail(
      `${memory} over ${load}, more than budgets.memoryGrowthMb (${budgetMb} MB): at this rate the endpoint runs out of memory and is restarted`,
    );
  return pass(`${load}, no errors; ${memory}, within ${budgetMb} MB; /ping 200`);
}

export const serveLongevity: Check = {
  id: 'serve.longevity',
  title: 'Sustained valid load: no errors, /ping stays 200, memory stays within its budget',
  clauses: 'R8',
  level: 'should',
  profile: 'serving',
  phase: 'load',
  hint: 'Free what each request allocates (caches without a bound, buffers kept in a list, per-request objects held by a closure or a global). Run the check longer (budgets.longevitySeconds or --longevity-seconds) to find a slow leak; raise budgets.memoryGrowthMb only for growth that levels off.',
  notApplicable: servesOnly,
  async run(ctx) {
    const { session, sample } = await readyWithSample(ctx);
    if (!(await session.container.state()).running)
      throw new BlockedError('serve.ping.ok', 'the serving container had stopped');
    const seconds = ctx.manifest.budgets.longevitySeconds;
    await sustain(ctx, session, sample, warmUpMs(seconds));
    const before = await session.container.memoryUsage();
    const load = await sustain(ctx, session, sample, seconds * 1000);
    const after = await session.container.memoryUsage();
    const pingAfter = await session.request('/ping', {
      timeoutMs: scaledMs(ctx.platform, limits.pingTimeoutMs),
    });
    const run = { seconds, ...load, before, after, pingAfter };
    return judgeLongevity(run, ctx.manifest.budgets.memoryGrowthMb);
  },
};
