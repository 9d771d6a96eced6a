import { fail, pass, type Check } from '../../check.ts';
import { describeStatus, excerpt } from '../../http-exchange.ts';
import { invoke, is2xx, readyWithSample, servesOnly } from '../support/serving.ts';

/** 1024 visible US-ASCII characters, the longest custom attributes InvokeEndpoint forwards. */
export const CUSTOM_ATTRIBUTES = Array.from({ length: 1024 }, (_, i) =>
  String.fromCharCode(33 + (i % 94)),
).join('');

export const SAGEMAKER_HEADERS: Record<string, string> = {
  'X-Amzn-SageMaker-Custom-Attributes': CUSTOM_ATTRIBUTES,
  'X-Amzn-SageMaker-Target-Variant': 'AllTraffic',
  'X-Amzn-SageMaker-Inference-Id': 'conformance-0001',
  'X-Conformance-Unknown-Header': 'ignore me',
};

export const serveHeadersTolerated: Check = {
  id: 'serve.headers.tolerated',
  title: '/invocations tolerates SageMaker and unknown headers',
  clauses: 'I8, L10',
  level: 'must',
  profile: 'serving',
  hint: 'Ignore headers you do not use; X-Amzn-SageMaker-Custom-Attributes may carry up to 1024 characters of anything visible.',
  notApplicable: servesOnly,
  async run(ctx) {
    const { session, sample } = await readyWithSample(ctx);
    const answer = await invoke(ctx, session, sample, SAGEMAKER_HEADERS);
    if (!is2xx(answer.status)) {
      return fail(
        `[${sample.name}] with X-Amzn-SageMaker-Custom-Attributes (1024 characters) and unknown headers, POST /invocations answered ${describeStatus(answer)}${answer.body && answer.status ? `: ${excerpt(answer.body)}` : ''}, expected 2xx as without them`,
      );
    }
    return pass(
      `[${sample.name}] → ${answer.status} with ${Object.keys(SAGEMAKER_HEADERS).join(', ')}`,
    );
  },
};
