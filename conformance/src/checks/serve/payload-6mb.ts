import { fail, pass, type Check } from '../../check.ts';
import { describeStatus, excerpt } from '../../http-exchange.ts';
import { largestBatch, lineSample } from '../support/largest-batch.ts';
import { is2xx, servesOnly } from '../support/serving.ts';

export const servePayloadLimit: Check = {
  id: 'serve.payload.6mb',
  title: '/invocations accepts a body just under 6 MB',
  clauses: 'I7',
  level: 'must',
  profile: 'serving',
  phase: 'load',
  hint: "Allow request bodies up to 6 MB in every layer (nginx client_max_body_size, your framework's body limit): SageMaker forwards real-time payloads up to that size.",
  notApplicable: (ctx) =>
    servesOnly(ctx) ??
    (lineSample(ctx.manifest.conformance.serving?.requests ?? [])
      ? undefined
      : 'no sample request in a line-based format (text/csv, application/jsonlines) to enlarge'),
  async run(ctx) {
    const { sample, bytes, answer } = await largestBatch(ctx);
    const size = `${bytes} bytes`;
    if (!is2xx(answer.status)) {
      return fail(
        `POST /invocations with ${size} of ${sample.contentType} answered ${describeStatus(answer)}${answer.body && answer.status ? `: ${excerpt(answer.body)}` : ''}, expected 2xx`,
      );
    }
    return pass(`${size} of ${sample.contentType} → ${answer.status} in ${answer.durationMs} ms`);
  },
};
