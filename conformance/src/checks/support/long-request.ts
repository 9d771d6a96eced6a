import { MIN_CPUS } from '@sagemaker-templates/engine';
import { BlockedError } from '../../blocked-error.ts';
import type { CheckContext } from '../../check.ts';
import type { StreamedExchange } from '../../observations.ts';
import { answeredExchange, asyncSession, maxRequestMs, sendLargest } from './async.ts';
import { is2xx, once } from './serving.ts';

/** Aim past the budget by this much, since throttled work does not scale exactly. */
const OVERSHOOT = 1.3;

/** The largest body again, on a throttled CPU so that it runs past budgets.longRequestSeconds. */
export interface LongRequest {
  answer: StreamedExchange;
  /** The CPU limit it ran under; undefined when the first, unthrottled run already lasted long enough. */
  cpus?: number;
  holdMs: number;
  /** True when even the smallest CPU limit answered it before holdMs: nothing was proven. */
  tooQuick: boolean;
  state: { running: boolean; exitCode: number; oomKilled?: boolean };
}

/**
 * The CPU limit at which work that took `cpuNs` of CPU time takes `targetMs`: a slower instance
 * (or a larger model) makes the same request long without changing what the server does.
 */
export const throttleFor = (cpuNs: number, targetMs: number): number =>
  Math.max(MIN_CPUS, cpuNs / 1e6 / targetMs);

/**
 * Sends the largest body with the container's CPU limited so it lasts about 1.3 × the budget; when
 * it still finishes early, once more with the limit lowered by what that run showed.
 */
export function longRequest(ctx: CheckContext): Promise<LongRequest> {
  return once(ctx, 'async-long-request', async () => {
    const first = await answeredExchange(ctx);
    if (!first.cpuNs)
      throw new BlockedError('async.payload', 'the engine reported no CPU time for the container');
    const session = await asyncSession(ctx);
    const holdMs = ctx.manifest.budgets.longRequestSeconds * 1000;
    // A server this slow (or emulated) already ran past the budget: that request proves it.
    if (first.answer.durationMs >= holdMs)
      return { answer: first.answer, holdMs, tooQuick: false, state: first.state };
    const waitMs = Math.min(maxRequestMs(ctx), holdMs * 5 + 60_000);
    let cpus = throttleFor(first.cpuNs, holdMs * OVERSHOOT);
    for (let attempt = 1; ; attempt++) {
      await session.container.limitCpus(cpus);
      const answer = await sendLargest(session, first.body, waitMs);
      const state = await session.container.state();
      const early = is2xx(answer.status) && state.running && answer.durationMs < holdMs;
      if (!early) return { answer, cpus, holdMs, tooQuick: false, state };
      if (attempt === 2 || cpus <= MIN_CPUS) return { answer, cpus, holdMs, tooQuick: true, state };
      cpus = Math.max(MIN_CPUS, (cpus * answer.durationMs) / (holdMs * OVERSHOOT));
    }
  });
}
