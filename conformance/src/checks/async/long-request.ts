import { fail, pass, skip, type Check } from '../../check.ts';
import { describeStatus, excerpt } from '../../http-exchange.ts';
import { asyncOnly } from '../support/async.ts';
import { longRequest } from '../support/long-request.ts';
import { is2xx } from '../support/serving.ts';
import { whyStopped } from '../support/serverless.ts';

export const asyncLongRequest: Check = {
  id: 'async.long-request',
  title:
    'A request kept running past budgets.longRequestSeconds (default 75 s) is answered 2xx: no layer of the server cuts it at 60 s while SAGEMAKER_MODEL_SERVER_TIMEOUT allows more',
  clauses: 'I6, I15',
  level: 'must',
  profile: 'serving',
  phase: 'background',
  hint: "Set every timeout that can end a request from SAGEMAKER_MODEL_SERVER_TIMEOUT: the proxy's read, send and body timeouts (nginx proxy_read_timeout, proxy_send_timeout, client_body_timeout, send_timeout), the app server's worker timeout (gunicorn --timeout), the runtime's request timeout (Node's server.requestTimeout), the model server's response timeout (TorchServe/MMS default_response_timeout).",
  notApplicable: asyncOnly,
  async run(ctx) {
    const run = await longRequest(ctx);
    const { answer, holdMs, state } = run;
    const seconds = (answer.durationMs / 1000).toFixed(1);
    const throttled =
      run.cpus === undefined
        ? 'the largest body (not throttled: it already takes that long)'
        : `the largest body with the container limited to ${run.cpus.toFixed(3)} CPUs`;
    const timeout = ctx.manifest.capabilities.async?.maxRequestSeconds;
    if (!state.running) return fail(`${throttled}: ${whyStopped(state)} after ${seconds} s`);
    if (!is2xx(answer.status))
      return fail(
        `${throttled} was cut after ${seconds} s with SAGEMAKER_MODEL_SERVER_TIMEOUT=${timeout}: ${describeStatus(answer)}${answer.status ? ` ${excerpt(answer.body)}` : ''}`,
      );
    if (run.tooQuick)
      return skip(
        `${throttled} was answered in ${seconds} s, before ${holdMs / 1000} s: too little work to keep a request running that long (raise capabilities.async.maxPayloadMb or lower budgets.longRequestSeconds)`,
      );
    return pass(
      `${throttled} ran ${seconds} s (past ${holdMs / 1000} s) and was answered ${describeStatus(answer)}, ${answer.receivedBytes} bytes back`,
    );
  },
};
