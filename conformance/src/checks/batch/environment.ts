import { fail, pass, type Check, type CheckContext } from '../../check.ts';
import { describeStatus, excerpt } from '../../http-exchange.ts';
import { firstWorkingSample, invoke, is2xx, readySession } from '../support/serving.ts';

/** What a batch transform job sets (B2), in both spellings SageMaker and local mode use (§9.8). */
export const BATCH_ENVIRONMENTS = {
  'SAGEMAKER_BATCH=true': {
    SAGEMAKER_BATCH: 'true',
    SAGEMAKER_MAX_PAYLOAD_IN_MB: '6',
    SAGEMAKER_BATCH_STRATEGY: 'MULTI_RECORD',
    SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '2',
  },
  'SAGEMAKER_BATCH=True': { SAGEMAKER_BATCH: 'True', SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '1' },
} as const;

/** The serving container started under one of BATCH_ENVIRONMENTS (shared by every check that uses it). */
export const batchSession = (ctx: CheckContext, label: keyof typeof BATCH_ENVIRONMENTS) =>
  ctx.probes.servingVariant(`batch:${label}`, { env: BATCH_ENVIRONMENTS[label], label });

/** Why the batch checks do not apply, if they do not. */
export const batchOnly = (ctx: CheckContext): string | undefined =>
  !ctx.manifest.capabilities.serve
    ? 'the image does not serve (capabilities.serve is false)'
    : !ctx.manifest.capabilities.batch
      ? 'template.json does not set capabilities.batch'
      : !ctx.manifest.conformance.serving?.requests.length
        ? 'template.json has no conformance.serving.requests to send'
        : undefined;

export const batchEnvironment: Check = {
  id: 'batch.environment',
  title: 'The server starts and answers under batch transform’s environment (true and True)',
  clauses: 'B1, B2, §9.8',
  level: 'must',
  profile: 'serving',
  hint: 'Batch transform runs `serve` with SAGEMAKER_BATCH (`true` on SageMaker, `True` in local mode) and, when the job sets them, SAGEMAKER_MAX_PAYLOAD_IN_MB, SAGEMAKER_BATCH_STRATEGY and SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: accept every spelling, or ignore them.',
  notApplicable: batchOnly,
  async run(ctx) {
    await readySession(ctx); // a server that never starts fails serve.ping.ok instead
    // A request the plain server answered, so a broken content type fails only its own check.
    const request = await firstWorkingSample(ctx);
    const results = await Promise.all(
      (Object.keys(BATCH_ENVIRONMENTS) as (keyof typeof BATCH_ENVIRONMENTS)[]).map(
        async (label) => {
          const session = await batchSession(ctx, label);
          if (session.readyAfterMs === undefined) {
            const last = session.pings.at(-1);
            return `with ${label}, /ping never said 200 (last: ${last ? describeStatus(last) : 'nothing'})`;
          }
          const answer = await invoke(ctx, session, request);
          return is2xx(answer.status)
            ? undefined
            : `with ${label}, [${request.name}] got ${describeStatus(answer)} ${excerpt(answer.body)}`;
        },
      ),
    );
    const problems = results.filter((r): r is string => r !== undefined);
    return problems.length === 0
      ? pass(
          `ready and [${request.name}] → 2xx under ${Object.keys(BATCH_ENVIRONMENTS).join(' and ')} (with the payload, strategy and concurrency variables)`,
        )
      : fail(`${problems.join('; ')}; expected the same answers as without them`);
  },
};
