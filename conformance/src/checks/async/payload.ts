import { fail, pass, type Check } from '../../check.ts';
import { describeStatus, excerpt } from '../../http-exchange.ts';
import {
  asyncDeployment,
  asyncEnvironment,
  asyncExchange,
  asyncOnly,
  asyncSession,
  isLineAnswer,
  type AsyncExchange,
} from '../support/async.ts';
import { readySession, is2xx } from '../support/serving.ts';
import { inMb, whyStopped } from '../support/serverless.ts';

/** What is wrong with the answer to the largest body, or undefined when nothing is. */
function wrongAnswer({ body, answer, state }: AsyncExchange): string | undefined {
  const sent = `${inMb(body.plan.bytes)} of ${body.sample.contentType} (${body.plan.records} records of ${body.sample.name})`;
  const seconds = (answer.durationMs / 1000).toFixed(1);
  if (!state.running) return `${sent}: ${whyStopped(state)} while answering`;
  if (!is2xx(answer.status))
    return `${sent} → ${describeStatus(answer)} after ${seconds} s${answer.status ? `: ${excerpt(answer.body)}` : ''}`;
  if (isLineAnswer(answer.contentType) && answer.receivedLines !== body.plan.records)
    return `${sent} → ${answer.receivedLines} lines of ${answer.contentType}: expected one per record`;
  return undefined;
}

export const asyncPayload: Check = {
  id: 'async.payload',
  title:
    "As an asynchronous endpoint, a body of the manifest's largest size (default 100 MB) is answered 2xx, one answer per record",
  clauses: 'I7, I15',
  level: 'must',
  profile: 'serving',
  phase: 'background',
  hint: "Raise the server's body limit for the asynchronous deployment (e.g. SAGEMAKER_MAX_PAYLOAD_IN_MB in capabilities.async.environment) and read the body as a stream: split records as they arrive, predict in batches, write each batch's answer as it is ready, or lower capabilities.async.maxPayloadMb to the largest body you send.",
  notApplicable: asyncOnly,
  async run(ctx) {
    const session = await asyncSession(ctx);
    if (session.readyAfterMs === undefined) {
      await readySession(ctx); // never healthy as a real-time endpoint either: serve.ping.ok says why
      const last = session.pings.at(-1);
      const env = Object.entries(asyncEnvironment(asyncDeployment(ctx)))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return fail(
        `With the asynchronous deployment's environment (${env}), GET /ping never answered 200: the last got ${last ? describeStatus(last) : 'no answer'}`,
      );
    }
    const ex = await asyncExchange(ctx);
    const wrong = wrongAnswer(ex);
    if (wrong) return fail(wrong);
    const { answer, body } = ex;
    return pass(
      `${inMb(body.plan.bytes)} (${body.plan.records} records) → ${describeStatus(answer)} in ${(answer.durationMs / 1000).toFixed(1)} s, ${answer.receivedBytes} bytes${isLineAnswer(answer.contentType) ? ` in ${answer.receivedLines} lines` : ''}`,
    );
  },
};
