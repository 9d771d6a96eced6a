import { fail, pass, type Check } from '../../check.ts';
import { describeStatus } from '../../http-exchange.ts';
import { invoke, is2xx, readyWithSample, servesOnly } from '../support/serving.ts';

export const PARALLEL_REQUESTS = 16;

export const serveConcurrency: Check = {
  id: 'serve.concurrency',
  title: `/invocations answers ${PARALLEL_REQUESTS} parallel requests without errors`,
  clauses: 'I4, I6, B2',
  level: 'must',
  profile: 'serving',
  phase: 'load',
  hint: 'Queue or serve concurrent requests instead of rejecting them: SageMaker sends requests in parallel (and batch transform up to MaxConcurrentTransforms at once).',
  notApplicable: servesOnly,
  async run(ctx) {
    const { session, sample } = await readyWithSample(ctx);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL_REQUESTS }, () => invoke(ctx, session, sample)),
    );
    const failed = answers.filter((a) => !is2xx(a.status));
    const slowest = Math.max(...answers.map((a) => a.durationMs));
    if (failed.length > 0) {
      const statuses = [...new Set(failed.map(describeStatus))].join(', ');
      return fail(
        `${failed.length} of ${PARALLEL_REQUESTS} parallel [${sample.name}] requests failed (${statuses}), expected all 2xx`,
      );
    }
    return pass(
      `${PARALLEL_REQUESTS} parallel [${sample.name}] requests all 2xx, slowest ${slowest} ms`,
    );
  },
};
