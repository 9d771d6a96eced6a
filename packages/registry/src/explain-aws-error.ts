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

type Described = ReturnType<typeof describe>;
/** One kind of failure: its explanation, or undefined when the error is not of that kind. */
type Rule = (error: Described, context: AwsCallContext, where: string) => string | undefined;

const endpointOf = (context: AwsCallContext) =>
  context.endpoint ?? `api.ecr.${context.region}.amazonaws.com`;

const RULES: Rule[] = [
  ({ name, message }, _context, where) =>
    name === 'CredentialsProviderError' || /could not load credentials/i.test(message)
      ? `No AWS credentials found for ${where}. ${CREDENTIALS_HELP}`
      : undefined,
  ({ message }, context) =>
    /region is missing/i.test(message)
      ? `No AWS region for ${context.action}. Pass --region, set push.region in template.json, or set AWS_REGION (or region in your AWS profile).`
      : undefined,
  ({ name, message }, context, where) =>
    INVALID_CREDENTIALS.has(name)
      ? `AWS rejected the credentials for ${where} (${name}: ${message}). Check the access key and secret (aws sts get-caller-identity shows whose they are); if they are right, the region ${context.region} may not be enabled for your account (opt-in regions), so check --region / push.region / AWS_REGION.`
      : undefined,
  ({ name }, _context, where) =>
    EXPIRED.has(name)
      ? `The AWS credentials for ${where} have expired (${name}). Refresh them (aws sso login, or new session credentials) and rerun.`
      : undefined,
  accessDenied,
  ({ code }, context, where) =>
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `The ECR API endpoint ${endpointOf(context)} could not be resolved (${code}) for ${where}. ${
          context.endpoint
            ? 'Check --ecr-endpoint / AWS_ENDPOINT_URL_ECR.'
            : `Check the region name (${context.region}; aws ec2 describe-regions lists them) and this machine's DNS and proxy settings.`
        }`
      : undefined,
  ({ code, name }, context) =>
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code) || name === 'TimeoutError'
      ? `The ECR API at ${endpointOf(context)} did not answer ${context.action} (${code || name}). ${
          context.endpoint
            ? 'Check that the endpoint in --ecr-endpoint / AWS_ENDPOINT_URL_ECR is up.'
            : "Check this machine's network and proxy settings (HTTPS_PROXY), then rerun."
        }`
      : undefined,
  ({ name }, context) =>
    name === 'RepositoryNotFoundException'
      ? `The repository ${context.repository ?? ''} does not exist in the registry of account ${context.accountId ?? '(your account)'} in ${context.region} (${context.action}). Check push.repository, push.account and push.region.`
      : undefined,
];

/** A missing IAM permission, naming the action, the principal and the resource when AWS says them. */
function accessDenied({ name, message }: Described, context: AwsCallContext, where: string) {
  if (!ACCESS_DENIED.has(name)) return undefined;
  const action = /not authorized to perform:?\s+(\S+)/.exec(message)?.[1] ?? context.action;
  const principal = /User:\s+(\S+)/.exec(message)?.[1];
  const resource = /on resource:\s+(\S+)/.exec(message)?.[1];
  const on = resource
    ? ` on ${resource}`
    : context.repository
      ? ` on repository ${context.repository}`
      : '';
  const create =
    action === 'ecr:CreateRepository'
      ? ', or have someone create the repository first (push then needs only DescribeRepositories, GetAuthorizationToken and the layer upload actions)'
      : '';
  return `Missing IAM permission ${action}${principal ? ` for ${principal}` : ''}${on} (${where}). Add "${action}" to the identity's IAM policy${create}.`;
}

/**
 * Turns an error of an ECR API call into a {@link PushError} that says what failed, where, and what
 * to do: missing or invalid credentials, a missing IAM permission (naming the action), a region
 * that does not resolve, an unreachable endpoint.
 */
export function explainAwsError(error: unknown, context: AwsCallContext): PushError {
  if (error instanceof PushError) return error;
  const described = describe(error);
  const where = `${context.action} in ${context.region}${context.accountId ? ` (account ${context.accountId})` : ''}`;
  const text =
    RULES.map((rule) => rule(described, context, where)).find((t) => t !== undefined) ??
    `${where} failed${context.repository ? ` for repository ${context.repository}` : ''}: ${described.name}: ${described.message}`;
  return new PushError(text, { cause: error });
}
