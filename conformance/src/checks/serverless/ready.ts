import { limits } from '@sagemaker-templates/contract';
import { fail, pass, type Check } from '../../check.ts';
import { describeStatus } from '../../http-exchange.ts';
import { scaledMs } from '../../platform-run.ts';
import { readySession } from '../support/serving.ts';
import {
  inMb,
  memorySizeMb,
  serverlessOnly,
  serverlessSession,
  whyStopped,
} from '../support/serverless.ts';

export const serverlessReady: Check = {
  id: 'serverless.ready',
  title:
    'As a serverless endpoint (its memory size, no swap, no GPU), /ping says 200 within 3 minutes',
  clauses: 'I5, I14',
  level: 'must',
  profile: 'serving',
  hint: 'Load the model within the serverless memory size, on CPU: load it once (not once per worker), in a smaller precision or memory-mapped, or raise capabilities.serverless.memorySizeMb to a size that holds it. Serverless endpoints give no GPU and count start-up, model load included, against 3 minutes.',
  notApplicable: serverlessOnly,
  async run(ctx) {
    const session = await serverlessSession(ctx);
    const limit = `limited to ${memorySizeMb(ctx)} MB with no GPU`;
    if (session.readyAfterMs === undefined) {
      await readySession(ctx); // never healthy even unlimited: serve.ping.ok says why
      const windowS = scaledMs(ctx.platform, limits.serverlessPingWindowMs) / 1000;
      const state = await session.container.state();
      const last = session.pings.at(-1);
      const why = state.running
        ? `the last /ping got ${last ? describeStatus(last) : 'no answer'}`
        : whyStopped(state);
      return fail(`${limit}, GET /ping never answered 200 within ${windowS} s: ${why}`);
    }
    const memory = await session.container.memoryUsage();
    const using = memory === undefined ? '' : `; ${inMb(memory)} in use`;
    return pass(`${limit}, /ping 200 after ${session.readyAfterMs} ms${using}`);
  },
};
