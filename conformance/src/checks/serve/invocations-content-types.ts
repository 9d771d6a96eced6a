import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { describeStatus, excerpt, type HttpExchange } from '../../http-exchange.ts';
import type { SampleRequest } from '@sagemaker-templates/contract';
import { is2xx, sampleAnswers, servesOnly } from '../support/serving.ts';

export function judgeSampleAnswers(
  answers: { request: SampleRequest; answer: HttpExchange }[],
): Outcome {
  const failed = answers.filter(({ answer }) => !is2xx(answer.status));
  if (failed.length > 0) {
    return fail(
      failed
        .map(
          ({ request, answer }) =>
            `[${request.name}] POST /invocations with Content-Type ${request.contentType} returned ${describeStatus(answer)}, expected 2xx${answer.body && answer.status ? `: ${excerpt(answer.body)}` : ''}`,
        )
        .join('; '),
    );
  }
  return pass(
    answers
      .map(
        ({ request, answer }) =>
          `${request.contentType} → ${answer.status} in ${answer.durationMs} ms`,
      )
      .join(', '),
  );
}

export const serveInvocationsContentTypes: Check = {
  id: 'serve.invocations.content-types',
  title: 'POST /invocations answers 2xx for every declared content type',
  clauses: 'I4, I6, S6',
  level: 'must',
  profile: 'serving',
  hint: 'Decode the request by its Content-Type header; each sample request in template.json (conformance.serving.requests) must succeed.',
  notApplicable: servesOnly,
  run: async (ctx) => judgeSampleAnswers(await sampleAnswers(ctx)),
};
