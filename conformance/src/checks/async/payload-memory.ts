import { fail, pass, skip, type Check } from '../../check.ts';
import { answeredExchange, asyncOnly } from '../support/async.ts';
import { inMb } from '../support/serverless.ts';

const MiB = 2 ** 20;

/**
 * How much memory may rise while one body is answered: the body once and half again, plus room
 * for the runtime's own growth. A server that holds the body twice (raw bytes and a decoded
 * copy, or a copy in each layer) rises by more.
 */
export const allowedGrowthBytes = (bodyBytes: number): number => 1.5 * bodyBytes + 64 * MiB;

export const asyncPayloadMemory: Check = {
  id: 'async.payload.memory',
  title:
    'While the asynchronous endpoint answers its largest body, the memory it holds (file cache left out) rises by less than 1.5 × the body + 64 MiB: the body is streamed, never held twice',
  clauses: 'I7, I15',
  level: 'must',
  profile: 'serving',
  phase: 'background',
  hint: 'Read the body as a stream and keep only a batch of records at a time: no Buffer.concat or read() of the whole body, no decoded copy of it, no list of every parsed row; write each batch of predictions to the answer as it is ready. In front of an app server, let the proxy spool bodies to disk rather than memory.',
  notApplicable: asyncOnly,
  async run(ctx) {
    const { body, idleBytes, peakBytes } = await answeredExchange(ctx);
    if (idleBytes === undefined || peakBytes === undefined)
      return skip('the engine reported no memory use for the container');
    const growth = Math.max(0, peakBytes - idleBytes);
    const allowed = allowedGrowthBytes(body.plan.bytes);
    const seen = `memory held (file cache left out) rose from ${inMb(idleBytes)} to ${inMb(peakBytes)} (+${inMb(growth)}, ${(growth / body.plan.bytes).toFixed(2)} × the body) while answering ${inMb(body.plan.bytes)}`;
    if (growth >= allowed)
      return fail(
        `${seen}: at least ${inMb(allowed)} (1.5 × the body + 64 MiB), so the body is held more than once: an endpoint with larger bodies or several at a time runs out of memory`,
      );
    return pass(`${seen}, under ${inMb(allowed)}`);
  },
};
