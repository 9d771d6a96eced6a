import { fail, pass, skip, type Check, type Outcome } from '../../check.ts';
import { describeStatus, type HttpExchange } from '../../http-exchange.ts';
import { executionParameters } from '../support/execution-parameters.ts';
import { servesOnly } from '../support/serving.ts';

/** The API and SDK local mode spell the strategy MultiRecord/SingleRecord; the docs' MULTI_RECORD breaks local mode (B5). */
export function judgeStrategySpelling(answer: HttpExchange): Outcome {
  if (answer.status !== 200)
    return skip(
      `not applicable: /execution-parameters is not implemented (${describeStatus(answer)})`,
    );
  let strategy: unknown;
  try {
    strategy = (JSON.parse(answer.body) as Record<string, unknown>).BatchStrategy;
  } catch {
    return skip('not applicable: the body is not JSON (see batch.execution-parameters)');
  }
  if (strategy === 'MULTI_RECORD' || strategy === 'SINGLE_RECORD') {
    return fail(
      `BatchStrategy is ${JSON.stringify(strategy)}, which SageMaker SDK local mode rejects; expected ${strategy === 'MULTI_RECORD' ? 'MultiRecord' : 'SingleRecord'}`,
    );
  }
  return pass(`BatchStrategy is ${JSON.stringify(strategy)}`);
}

export const batchStrategySpelling: Check = {
  id: 'batch.execution-parameters.strategy-spelling',
  title: 'BatchStrategy is spelled MultiRecord/SingleRecord',
  clauses: 'B5, §9.9',
  level: 'should',
  profile: 'serving',
  hint: 'Return "MultiRecord" or "SingleRecord" (the API enum): the documented "MULTI_RECORD" makes SageMaker SDK local mode fail with a ValueError.',
  notApplicable: servesOnly,
  run: async (ctx) => judgeStrategySpelling(await executionParameters(ctx)),
};
