import { labels } from '@sagemaker-templates/contract';
import { fail, pass, skip, type Check } from '../../check.ts';
import { describeStatus } from '../../http-exchange.ts';
import { readySession, servesOnly } from '../support/serving.ts';

/** A port other than 8080, as multi-container endpoints assign. */
export const BIND_TO_PORT = 9123;

export const serveBindToPort: Check = {
  id: 'serve.bind-to-port',
  title: 'An image labelled accept-bind-to-port listens on $SAGEMAKER_BIND_TO_PORT',
  clauses: 'I13, M6',
  level: 'must',
  profile: 'serving',
  hint: 'Read SAGEMAKER_BIND_TO_PORT (default 8080) for the listening port, in every layer (nginx too), or remove the accept-bind-to-port label.',
  notApplicable: (ctx) => servesOnly(ctx),
  async run(ctx) {
    const info = await ctx.probes.imageInfo();
    if (info.Config.Labels?.[labels.acceptBindToPort] !== 'true') {
      return skip(
        `not applicable: the image does not carry ${labels.acceptBindToPort}=true, so it only has to listen on 8080`,
      );
    }
    await readySession(ctx); // on 8080 first: a server that is never ready fails serve.ping.ok instead
    const session = await ctx.probes.servingVariant('bind-to-port', {
      env: { SAGEMAKER_BIND_TO_PORT: String(BIND_TO_PORT) },
      port: BIND_TO_PORT,
      label: `SAGEMAKER_BIND_TO_PORT=${BIND_TO_PORT}`,
    });
    if (session.readyAfterMs === undefined) {
      const last = session.pings.at(-1);
      return fail(
        `with SAGEMAKER_BIND_TO_PORT=${BIND_TO_PORT}, GET /ping on port ${BIND_TO_PORT} never answered 200 (last: ${last ? describeStatus(last) : 'nothing'}), expected the server there`,
      );
    }
    return pass(
      `with SAGEMAKER_BIND_TO_PORT=${BIND_TO_PORT}, GET /ping on ${BIND_TO_PORT} said 200 after ${session.readyAfterMs} ms`,
    );
  },
};
