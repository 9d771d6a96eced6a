import { limits } from '@sagemaker-templates/contract';
import { fail, pass, type Check } from '../../check.ts';
import { describeStatus, type HttpExchange } from '../../http-exchange.ts';
import { scaledMs } from '../../platform-run.ts';
import {
  inMb,
  memorySizeMb,
  serverlessExchanges,
  serverlessOnly,
  whyStopped,
  type ServerlessExchanges,
} from '../support/serverless.ts';
import { is2xx } from '../support/serving.ts';

/** Each request the serverless container got, named for messages. */
function sent(ex: ServerlessExchanges): { what: string; answer: HttpExchange }[] {
  const samples = ex.samples.map(({ request, answer }) => ({ what: request.name, answer }));
  if (!ex.batch) return samples;
  const { bytes, sample, answer } = ex.batch;
  return [
    ...samples,
    { what: `${bytes} bytes of ${sample.contentType} (${sample.name} grown)`, answer },
  ];
}

export const serverlessInvocations: Check = {
  id: 'serverless.invocations',
  title:
    'As a serverless endpoint, every sample and a body just under 4 MB are answered 2xx within 60 s',
  clauses: 'I6, I7, I14',
  level: 'must',
  profile: 'serving',
  phase: 'load',
  hint: 'Keep what one request allocates well under the serverless memory size: parse and predict in chunks, avoid copies of the body (decoded string, parsed rows, dense matrix all at once), or raise capabilities.serverless.memorySizeMb.',
  notApplicable: serverlessOnly,
  async run(ctx) {
    const ex = await serverlessExchanges(ctx);
    const limit = `limited to ${memorySizeMb(ctx)} MB`;
    const budgetMs = scaledMs(ctx.platform, limits.invocationsTimeoutMs);
    const requests = sent(ex);
    const wrong = requests.filter(
      ({ answer }) => !is2xx(answer.status) || answer.durationMs > budgetMs,
    );
    const show = wrong.map(
      ({ what, answer }) => `${what} → ${describeStatus(answer)} in ${answer.durationMs} ms`,
    );
    if (!ex.state.running)
      return fail(
        `${limit}, ${whyStopped(ex.state)} while answering: ${show.join('; ') || 'all answered'}`,
      );
    if (wrong.length > 0)
      return fail(`${limit}: ${show.join('; ')}; expected 2xx within ${budgetMs / 1000} s each`);
    const slowest = Math.max(...requests.map(({ answer }) => answer.durationMs));
    const using = ex.memoryBytes === undefined ? '' : `; ${inMb(ex.memoryBytes)} in use after`;
    const grown = ex.batch ? '' : ' (no line-based sample to grow to 4 MB)';
    return pass(
      `${limit}, ${requests.length} request${requests.length === 1 ? '' : 's'} → 2xx${grown}, slowest ${slowest} ms${using}`,
    );
  },
};
