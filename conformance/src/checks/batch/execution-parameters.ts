import { limits } from '@sagemaker-templates/contract';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { describeStatus, excerpt, type HttpExchange } from '../../http-exchange.ts';
import { executionParameters } from '../support/execution-parameters.ts';
import { servesOnly } from '../support/serving.ts';

const STRATEGIES = ['MultiRecord', 'SingleRecord', 'MULTI_RECORD', 'SINGLE_RECORD'];

/** 200 with the documented shape, or any non-200 when not implemented (B3, B4, check 41/42). */
export function judgeExecutionParameters(answer: HttpExchange): Outcome {
  if (answer.status === 0)
    return fail(`GET /execution-parameters got ${describeStatus(answer)}, expected 200 or a 404`);
  if (answer.status !== 200)
    return pass(
      `GET /execution-parameters answered ${answer.status}: not implemented, so batch transform uses its defaults`,
    );
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return fail(
      `GET /execution-parameters answered 200 with a body that is not JSON: ${excerpt(answer.body)}`,
    );
  }
  const problems: string[] = [];
  const {
    MaxConcurrentTransforms: concurrent,
    BatchStrategy: strategy,
    MaxPayloadInMB: payload,
  } = body;
  if (!Number.isInteger(concurrent) || (concurrent as number) < 0)
    problems.push(
      `MaxConcurrentTransforms must be a non-negative integer, got ${JSON.stringify(concurrent)}`,
    );
  if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy))
    problems.push(
      `BatchStrategy must be MultiRecord or SingleRecord, got ${JSON.stringify(strategy)}`,
    );
  if (
    !Number.isInteger(payload) ||
    (payload as number) < 0 ||
    (payload as number) > limits.batchMaxPayloadMb
  ) {
    problems.push(
      `MaxPayloadInMB must be an integer from 0 to ${limits.batchMaxPayloadMb}, got ${JSON.stringify(payload)}`,
    );
  } else if (
    Number.isInteger(concurrent) &&
    (concurrent as number) * (payload as number) > limits.batchMaxPayloadMb
  ) {
    problems.push(
      `MaxConcurrentTransforms × MaxPayloadInMB must be at most ${limits.batchMaxPayloadMb}, got ${concurrent} × ${payload}`,
    );
  }
  if (problems.length > 0) return fail(`GET /execution-parameters: ${problems.join('; ')}`);
  return pass(`GET /execution-parameters → ${answer.body.trim()}`);
}

export const batchExecutionParameters: Check = {
  id: 'batch.execution-parameters',
  title: 'GET /execution-parameters answers the documented shape, or 404',
  clauses: 'B3, B4',
  level: 'must',
  profile: 'serving',
  hint: 'Either answer 404 or return {"MaxConcurrentTransforms": <int>, "BatchStrategy": "MultiRecord", "MaxPayloadInMB": <int ≤ 100>} with MaxConcurrentTransforms × MaxPayloadInMB ≤ 100.',
  notApplicable: servesOnly,
  run: async (ctx) => judgeExecutionParameters(await executionParameters(ctx)),
};
