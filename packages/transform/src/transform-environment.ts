import { env } from '@sagemaker-templates/contract';
import type { ExecutionSettings } from './execution-parameters.ts';

/**
 * The environment a transform job gives its container (B2): SAGEMAKER_BATCH always, the payload,
 * strategy and concurrency variables only when the job set them.
 */
export function transformEnvironment(job: ExecutionSettings): Record<string, string> {
  return {
    [env.batch]: 'true',
    ...(job.maxPayloadInMb !== undefined
      ? { [env.maxPayloadInMb]: String(job.maxPayloadInMb) }
      : {}),
    ...(job.batchStrategy
      ? {
          [env.batchStrategy]:
            job.batchStrategy === 'SingleRecord' ? 'SINGLE_RECORD' : 'MULTI_RECORD',
        }
      : {}),
    ...(job.maxConcurrentTransforms !== undefined
      ? { [env.maxConcurrentTransforms]: String(job.maxConcurrentTransforms) }
      : {}),
  };
}
