import { fail, pass, type Check } from '../../check.ts';
import { describeStatus, excerpt } from '../../http-exchange.ts';
import { firstWorkingSample, invoke, is2xx, readySession, servesOnly } from '../support/serving.ts';

export const serveNetworkIsolation: Check = {
  id: 'serve.network-isolation',
  title: 'Serving works with no route out (network isolation)',
  clauses: 'I9, §10 (network isolation)',
  level: 'must',
  profile: 'serving',
  hint: 'Put everything the server needs into the image or the model: with EnableNetworkIsolation (and in VPCs without a NAT) nothing can be downloaded at start or per request, and only local names resolve.',
  notApplicable: (ctx) =>
    servesOnly(ctx) ??
    (ctx.manifest.conformance.serving?.requests.length
      ? undefined
      : 'template.json has no conformance.serving.requests to send'),
  async run(ctx) {
    await readySession(ctx); // a server that never starts fails serve.ping.ok instead
    const session = await ctx.probes.servingVariant('isolated', {
      isolated: true,
      label: 'no route out',
    });
    if (session.readyAfterMs === undefined) {
      const last = session.pings.at(-1);
      return fail(
        `with no route out of its network, /ping never said 200 (last: ${last ? describeStatus(last) : 'nothing'}); with a network it did`,
      );
    }
    const request = await firstWorkingSample(ctx);
    const answer = await invoke(ctx, session, request);
    return is2xx(answer.status)
      ? pass(
          `ready after ${session.readyAfterMs} ms and [${request.name}] → ${answer.status} with no route out`,
        )
      : fail(
          `with no route out, [${request.name}] got ${describeStatus(answer)} ${excerpt(answer.body)}; with a network it worked`,
        );
  },
};
