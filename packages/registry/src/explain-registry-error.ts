import { RegistryRequestError } from './distribution-client.ts';
import { PushError } from './push-error.ts';
import type { RegistryAuth } from './registry-auth.ts';
import { redactor } from './redactor.ts';
import { RetriesExhaustedError } from './retry.ts';

/** Registry and engine failures in the user's terms: down, refused token, missing permission. */
export function explainRegistryError(
  error: unknown,
  context: { registry: string; repository: string; auth: RegistryAuth; untouched: string },
): PushError {
  if (error instanceof PushError) return error;
  const { registry, untouched } = context;
  const exhausted = error instanceof RetriesExhaustedError ? error : undefined;
  const last = exhausted ? exhausted.lastError : error;
  const message = redactor.redact(last instanceof Error ? last.message : String(last));
  if (exhausted) {
    return new PushError(
      `The registry ${registry} did not answer or kept failing after ${exhausted.attempts} attempts over ${(exhausted.elapsedMs / 1000).toFixed(1)} s (last: ${message}). ${untouched} Check that the registry is up and reachable${registry === context.auth.registry ? '' : ' (--registry / SAGEMAKER_TEMPLATES_PUSH_REGISTRY)'}, then push again.`,
      { cause: error },
    );
  }
  const status = last instanceof RegistryRequestError ? last.status : undefined;
  const denied = /not authorized to perform:?\s+(\S+)/.exec(message)?.[1];
  if (denied || status === 403 || /\bdenied\b/i.test(message)) {
    const action = denied ?? 'the ECR layer and image actions';
    return new PushError(
      `Missing IAM permission ${action} on ${context.repository} (${message}). Add "${action}" to the identity's IAM policy (a push needs ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage and ecr:BatchGetImage). ${untouched}`,
      { cause: error },
    );
  }
  if (
    status === 401 ||
    /unauthorized|authentication required|no basic auth credentials/i.test(message)
  ) {
    const elsewhere =
      registry !== context.auth.registry
        ? ` You push through ${registry} (--registry / SAGEMAKER_TEMPLATES_PUSH_REGISTRY), but the token is for ${context.auth.registry}: use a host that accepts that registry's tokens.`
        : ' The token lasts 12 hours; push again to get a new one.';
    return new PushError(
      `The registry ${registry} refused the ECR token for ${context.repository} (${message}).${elsewhere} ${untouched}`,
      { cause: error },
    );
  }
  if (/name unknown|repository .* does not exist|NAME_UNKNOWN/i.test(message)) {
    return new PushError(
      `The registry ${registry} has no repository for ${context.repository} (${message}). If you push through --registry, it must be the registry of the repository's account and region. ${untouched}`,
      { cause: error },
    );
  }
  if (/tag invalid|already exists .* immutable|TAG_INVALID/i.test(message)) {
    return new PushError(
      `The registry ${registry} refused a tag on ${context.repository} (${message}); its tags are immutable. Bump "version" in template.json. ${untouched}`,
      { cause: error },
    );
  }
  return new PushError(
    `Pushing to ${registry} failed for ${context.repository}: ${message} ${untouched}`,
    {
      cause: error,
    },
  );
}
