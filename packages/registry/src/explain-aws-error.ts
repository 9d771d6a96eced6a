import { PushError } from './push-error.ts';

/** Where an ECR API call failed, for the message. */
export interface AwsCallContext {
  /** The IAM action of the call, e.g. `ecr:CreateRepository`. */
  action: string;
  region: string;
  /** The repository the call was about, if any. */
  repository?: string;
  /** The account whose registry was addressed, if known. */
  accountId?: string;
  /** A custom ECR API endpoint (AWS_ENDPOINT_URL_ECR, --ecr-endpoint), if one is used. */
  endpoint?: string;
}

const CREDENTIALS_HELP =
  'Set AWS_PROFILE (a profile made with `aws configure` or `aws configure sso`, then `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance, task or web-identity role provides them.';

const INVALID_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidAccessKeyId',
]);
const EXPIRED = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'RequestExpired',
  'TokenRefreshRequired',
]);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

/** The name, code and message of an SDK (or network) error, whatever its shape. */
function describe(error: unknown): { name: string; code: string; message: string } {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  const cause = (e.cause ?? {}) as { code?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    code: typeof e.code === 'string' ? e.code : typeof cause.code === 'string' ? cause.code : '',
    message: typeof e.message === 'string' ? e.message : String(error),
  };
}

/**
 * Turns an error of an ECR API call into a {@link PushError} that says what failed, where, and what
 * to do: missing or invalid credentials, a missing IAM permission (naming the action), a region
 * that does not resolve, an unreachable endpoint.
 */
export function explainAwsError(error: unknown, context: AwsCallContext): PushError {
  if (error instanceof PushError) return error;
  const { name, code, message } = describe(error);
  const where = `${context.action} in ${context.region}${context.accountId ? ` (account ${context.accountId})` : ''}`;
  const make = (text: string) => new PushError(text, { cause: error });

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return make(`No AWS credentials found for ${where}. ${CREDENTIALS_HELP}`);
  }
  if (/region is missing/i.test(message)) {
    return make(
      `No AWS region for ${context.action}. Pass --region, set push.region in template.json, or set AWS_REGION (or region in your AWS profile).`,
    );
  }
  if (INVALID_CREDENTIALS.has(name)) {
    return make(
      `AWS rejected the credentials for ${where} (${name}: ${message}). Check the access key and secret (aws sts get-caller-identity shows whose they are); if they are right, the region ${context.region} may not be enabled for your account (opt-in regions), so check --region / push.region / AWS_REGION.`,
    );
  }
  if (EXPIRED.has(name)) {
    return make(
      `The AWS credentials for ${where} have expired (${name}). Refresh them (aws sso login, or new session credentials) and rerun.`,
    );
  }
  if (ACCESS_DENIED.has(name)) {
    const action = /not authorized to perform:?\s+(\S+)/.exec(message)?.[1] ?? context.action;
    const principal = /User:\s+(\S+)/.exec(message)?.[1];
    const resource = /on resource:\s+(\S+)/.exec(message)?.[1];
    return make(
      `Missing IAM permission ${action}${principal ? ` for ${principal}` : ''}${resource ? ` on ${resource}` : context.repository ? ` on repository ${context.repository}` : ''} (${where}). Add "${action}" to the identity's IAM policy${
        action === 'ecr:CreateRepository'
          ? ', or have someone create the repository first (push then needs only DescribeRepositories, GetAuthorizationToken and the layer upload actions)'
          : ''
      }.`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const endpoint = context.endpoint ?? `api.ecr.${context.region}.amazonaws.com`;
    return make(
      `The ECR API endpoint ${endpoint} could not be resolved (${code}) for ${where}. ${
        context.endpoint
          ? 'Check --ecr-endpoint / AWS_ENDPOINT_URL_ECR.'
          : `Check the region name (${context.region}; aws ec2 describe-regions lists them) and this machine's DNS and proxy settings.`
      }`,
    );
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    name === 'TimeoutError'
  ) {
    const endpoint = context.endpoint ?? `api.ecr.${context.region}.amazonaws.com`;
    return make(
      `The ECR API at ${endpoint} did not answer ${context.action} (${code || name}). ${
        context.endpoint
          ? 'Check that the endpoint in --ecr-endpoint / AWS_ENDPOINT_URL_ECR is up.'
          : "Check this machine's network and proxy settings (HTTPS_PROXY), then rerun."
      }`,
    );
  }
  if (name === 'RepositoryNotFoundException') {
    return make(
      `The repository ${context.repository ?? ''} does not exist in the registry of account ${context.accountId ?? '(your account)'} in ${context.region} (${context.action}). Check push.repository, push.account and push.region.`,
    );
  }
  return make(
    `${where} failed${context.repository ? ` for repository ${context.repository}` : ''}: ${name}: ${message}`,
  );
}
