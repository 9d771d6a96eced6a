import { limits } from '@sagemaker-templates/contract';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { describeStatus, excerpt, type HttpExchange } from '../../http-exchange.ts';
import { firstWorkingSample, invoke, is2xx, readySession, servesOnly } from '../support/serving.ts';
import { scaledMs } from '../../platform-run.ts';

/** What a server with an empty /opt/ml/model did: its pings, whether it exited, and an invocation after a 200. */
export interface EmptyModelObservation {
  pings: HttpExchange[];
  exited: boolean;
  invocation: HttpExchange | undefined;
}

/** /ping may say 200 without a model only if /invocations then works (a model baked into the image). */
export function judgeHonesty(o: EmptyModelObservation): Outcome {
  const ok = o.pings.find((p) => p.status === 200);
  if (!ok) {
    if (o.exited)
      return pass('with an empty /opt/ml/model the server exited, so SageMaker sees it unhealthy');
    const last = o.pings.at(-1);
    return pass(
      `with an empty /opt/ml/model GET /ping answered ${last ? describeStatus(last) : 'nothing'}, not 200`,
    );
  }
  if (o.invocation && is2xx(o.invocation.status)) {
    return pass(
      'with an empty /opt/ml/model GET /ping said 200 and /invocations worked (the model is part of the image)',
    );
  }
  const answer = o.invocation
    ? `${describeStatus(o.invocation)}${o.invocation.body ? `: ${excerpt(o.invocation.body)}` : ''}`
    : 'nothing';
  return fail(
    `with an empty /opt/ml/model GET /ping said 200, but POST /invocations then answered ${answer}; expected /ping to fail while no model is loaded`,
  );
}

export const servePingHonest: Check = {
  id: 'serve.ping.honest',
  title: '/ping does not say 200 when the model could not be loaded',
  clauses: 'I5, I9',
  level: 'must',
  profile: 'serving',
  hint: 'Answer /ping with 200 only after the model loaded, and with 503 (or exit) when it failed: a 200 from a server that cannot predict puts a broken endpoint InService.',
  notApplicable: servesOnly,
  async run(ctx) {
    await readySession(ctx); // with a model first: a server that is never ready fails serve.ping.ok
    const sample = await firstWorkingSample(ctx);
    const session = await ctx.probes.servingVariant('empty-model', {
      emptyModel: true,
      label: 'empty /opt/ml/model',
      until: (answer) => answer.status !== 0,
    });
    // The server is up; keep asking for a while, since some report 503 until a load attempt ends.
    const pings = [...session.pings];
    for (let i = 0; i < 4 && (await session.container.state()).running; i++) {
      await new Promise((r) => setTimeout(r, 500));
      pings.push(
        await session.request('/ping', {
          timeoutMs: scaledMs(ctx.platform, limits.pingTimeoutMs),
        }),
      );
    }
    const exited = !(await session.container.state()).running;
    const invocation =
      pings.some((p) => p.status === 200) && !exited
        ? await invoke(ctx, session, sample)
        : undefined;
    return judgeHonesty({ pings, exited, invocation });
  },
};
