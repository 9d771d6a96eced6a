import { RegistryRequestError } from './distribution-client.ts';
import { PushError } from './push-error.ts';
import type { RegistryAuth } from './registry-auth.ts';
import { redactor } from './redactor.ts';
import { RetriesExhaustedError } from './retry.ts';

type Context = { registry: string; repository: string; auth: RegistryAuth; untouched: string };
/** One kind of failure: its explanation, or undefined when the error is not of that kind. */
type Rule = (message: string, status: number | undefined, context: Context) => string | undefined;

const RULES: Rule[] = [
  (message, status, { repository, untouched }) => {
    const denied = /not authorized to perform:?\s+(\S+)/.exec(message)?.[1];
    if (!denied && status !== 403 && !/\bdenied\b/i.test(message)) return undefined;
    const action = denied ?? 'the ECR layer and image actions';
    return `Missing IAM permission ${action} on ${repository} (${message}). Add "${action}" to the identity's IAM policy (a push needs ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage and ecr:BatchGetImage). ${untouched}`;
  },
  (message, status, { registry, repository, auth, untouched }) => {
    if (
      status !== 401 &&
      !/unauthorized|authentication required|no basic auth credentials/i.test(message)
    )
      return undefined;
    const elsewhere =
      registry !== auth.registry
        ? ` You push through ${registry} (--registry / SAGEMAKER_TEMPLATES_PUSH_REGISTRY), but the token is for ${auth.registry}: use a host that accepts that registry's tokens.`
        : ' The token lasts 12 hours; push again to get a new one.';
    return `The registry ${registry} refused the ECR token for ${repository} (${message}).${elsewhere} ${untouched}`;
  },
  (message, _status, { registry, repository, untouched }) =>
    /name unknown|repository .* does not exist|NAME_UNKNOWN/i.test(message)
      ? `The registry ${registry} has no repository for ${repository} (${message}). If you push through --registry, it must be the registry of the repository's account and region. ${untouched}`
      : undefined,
  (message, _status, { registry, repository, untouched }) =>
    /tag invalid|already exists .* immutable|TAG_INVALID/i.test(message)
      ? `The registry ${registry} refused a tag on ${repository} (${message}); its tags are immutable. Bump "version" in template.json. ${untouched}`
      : undefined,
];

/** Registry and engine failures in the user's terms: down, refused token, missing permission. */
export function explainRegistryError(error: unknown, context: Context): PushError {
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
  const text =
    RULES.map((rule) => rule(message, status, context)).find((t) => t !== undefined) ??
    `Pushing to ${registry} failed for ${context.repository}: ${message} ${untouched}`;
  return new PushError(text, { cause: error });
}
