import { ExplainedError } from '@sagemaker-templates/contract';

/** A transform job that cannot go on: what failed (file, batch, records) and what to do. */
export class TransformError extends ExplainedError {
  override readonly name = 'TransformError';
}
