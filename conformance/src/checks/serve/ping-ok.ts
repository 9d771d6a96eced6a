import { limits } from '@sagemaker-templates/contract';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { describeStatus, excerpt, type HttpExchange } from '../../http-exchange.ts';
import { lastLines } from '../support/training.ts';
import { servesOnly } from '../support/serving.ts';
import { scaledMs } from '../../platform-run.ts';

/** Judges readiness and the follow-up pings: every one 200 and under the 2 s health-check timeout. */
export function judgePing(
  readyAfterMs: number | undefined,
  pings: HttpExchange[],
  followUps: HttpExchange[],
  budgetSeconds: number,
  pingLimitMs: number = limits.pingTimeoutMs,
): Outcome {
  if (readyAfterMs === undefined) {
    const last = pings.at(-1);
    const seen = last
      ? `; the last answer was ${describeStatus(last)}${last.body && last.status ? `: ${excerpt(last.body)}` : ''}`
      : '';
    return fail(
      `GET /ping never returned 200 within ${budgetSeconds} s of \`serve\` (each attempt limited to ${pingLimitMs} ms)${seen}, expected 200`,
    );
  }
  const bad = followUps.find((p) => p.status !== 200 || p.durationMs >= pingLimitMs);
  if (bad) {
    return fail(
      `after the first 200, GET /ping returned ${describeStatus(bad)} in ${bad.durationMs} ms, expected 200 within ${pingLimitMs} ms every time`,
    );
  }
  const slowest = Math.max(...followUps.map((p) => p.durationMs));
  return pass(
    `GET /ping returned 200 ${readyAfterMs} ms after start; ${followUps.length} more pings all 200, slowest ${slowest} ms`,
  );
}

export const servePingOk: Check = {
  id: 'serve.ping.ok',
  title: 'GET /ping answers 200 within 2 s once the server is ready',
  clauses: 'I4, I5',
  level: 'must',
  profile: 'serving',
  hint: 'Answer GET /ping on port 8080 with 200 as soon as the model is loaded, quickly (SageMaker gives each health check 2 s) and without doing inference work.',
  notApplicable: servesOnly,
  async run(ctx) {
    const session = await ctx.probes.serving();
    const followUps: HttpExchange[] = [];
    const pingLimitMs = scaledMs(ctx.platform, limits.pingTimeoutMs);
    if (session.readyAfterMs !== undefined) {
      for (let i = 0; i < 5; i++)
        followUps.push(await session.request('/ping', { timeoutMs: pingLimitMs }));
    }
    const outcome = judgePing(
      session.readyAfterMs,
      session.pings,
      followUps,
      ctx.manifest.budgets.startupSeconds,
      pingLimitMs,
    );
    if (outcome.status === 'fail') {
      const logs = lastLines(await session.container.logs());
      if (logs) outcome.message += `. Last log lines:\n${logs}`;
    }
    return outcome;
  },
};
