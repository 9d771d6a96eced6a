import { ExplainedError } from '@sagemaker-templates/contract';

/**
 * A push failed for a reason the user can act on; the message names the thing, the place and the fix.
 * `tagsUntouched` is true when no human-facing tag was moved before the failure.
 */
export class PushError extends ExplainedError {
  override name = 'PushError';
  readonly tagsUntouched: boolean;

  constructor(message: string, options: { cause?: unknown; tagsUntouched?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.tagsUntouched = options.tagsUntouched ?? true;
  }
}
