import type { SampleRequest } from '@sagemaker-templates/contract';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { HttpExchange } from '../../http-exchange.ts';
import { is2xx, sampleAnswers, servesOnly } from '../support/serving.ts';

/** The media types an Accept header lists, without parameters, lower-cased. */
export function acceptedMediaTypes(accept: string): string[] {
  return accept
    .split(',')
    .map((part) => (part.split(';')[0] ?? '').trim().toLowerCase())
    .filter((t) => t !== '');
}

export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** True when a response Content-Type satisfies the Accept list (wildcards included). */
export function satisfies(accept: string, contentType: string): boolean {
  const actual = mediaType(contentType);
  const [type] = actual.split('/');
  return acceptedMediaTypes(accept).some((a) => a === actual || a === '*/*' || a === `${type}/*`);
}

export function judgeAccept(answers: { request: SampleRequest; answer: HttpExchange }[]): Outcome {
  const relevant = answers.filter(({ request, answer }) => request.accept && is2xx(answer.status));
  const wrong = relevant.filter(
    ({ request, answer }) => !satisfies(request.accept ?? '', answer.contentType),
  );
  if (wrong.length > 0) {
    return fail(
      wrong
        .map(
          ({ request, answer }) =>
            `[${request.name}] Accept: ${request.accept} was answered with Content-Type ${JSON.stringify(answer.contentType)}, expected ${request.accept}`,
        )
        .join('; '),
    );
  }
  return pass(
    relevant
      .map(({ request, answer }) => `Accept ${request.accept} → ${mediaType(answer.contentType)}`)
      .join(', '),
  );
}

export const serveInvocationsAccept: Check = {
  id: 'serve.invocations.accept',
  title: 'POST /invocations encodes its answer as the Accept header asks',
  clauses: 'I8, S7',
  level: 'must',
  profile: 'serving',
  hint: 'Pick the response encoding from the Accept header and set a matching Content-Type; answer 406 when you cannot produce what is asked.',
  notApplicable: (ctx) =>
    servesOnly(ctx) ??
    (ctx.manifest.conformance.serving?.requests.some((r) => r.accept)
      ? undefined
      : 'no sample request declares an Accept header'),
  run: async (ctx) => judgeAccept(await sampleAnswers(ctx)),
};
