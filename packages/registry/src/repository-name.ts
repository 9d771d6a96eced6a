import { ExplainedError } from '@sagemaker-templates/contract';
import { parseEcrHost } from './ecr-host.ts';

/** ECR's own pattern for repository names (CreateRepository); 2 to 256 characters. */
export const ECR_REPOSITORY_NAME =
  /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** A repository name, registry host or URI given where the other was expected. */
export class RepositoryNameError extends ExplainedError {
  override name = 'RepositoryNameError';
}

// A first path component that is a host: it has a port, is localhost, or ends in a domain suffix.
const HOST_COMPONENT =
  /^(?:localhost|[^/]+:\d+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|aws|io|net|org|dev|cloud|ai|co))$/i;

/** What is wrong with a repository name and how to fix it. */
type Problem = [problem: string, fix: string];

/**
 * Checks an ECR repository name and returns it. `where` names the setting, e.g.
 * `push.repository in templates/node/template.json`. URIs, ARNs, tags and digests given instead of
 * a name are refused with the name to use and where the rest belongs.
 */
export function assertRepositoryName(value: string, where: string): string {
  const problem = addressProblem(value) ?? referenceProblem(value) ?? shapeProblem(value);
  if (problem)
    throw new RepositoryNameError(
      `${where} is ${JSON.stringify(value)}: ${problem[0]}. ${problem[1]}`,
    );
  return value;
}

/** An ARN, registry address, URI or URL where a bare name belongs. */
function addressProblem(value: string): Problem | undefined {
  const trimmed = value.trim();
  if (trimmed !== value) return ['it has surrounding spaces', `Use ${JSON.stringify(trimmed)}.`];
  const arn = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/.exec(value);
  if (arn) {
    return [
      'that is a repository ARN, not a name',
      `Use the name ${JSON.stringify(arn[3])}; the account (${arn[2]}) and region (${arn[1]}) go in push.account and push.region (or --account and --region).`,
    ];
  }
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
  const rest = value.slice(scheme.length);
  const slash = rest.indexOf('/');
  const first = slash > 0 ? rest.slice(0, slash) : rest;
  const ecr = parseEcrHost(first);
  if (!ecr && !scheme && !(slash > 0 && HOST_COMPONENT.test(first))) return undefined;
  const hostHint = ecr
    ? `the account (${ecr.accountId}) and region (${ecr.region}) go in push.account and push.region (or --account and --region) when they differ from your credentials'`
    : `the registry host goes in --registry ${first} (or SAGEMAKER_TEMPLATES_PUSH_REGISTRY)`;
  if (slash <= 0) {
    return [
      'that is a registry address, not a repository name',
      `Use a name such as "sagemaker-templates/my-algo"; ${hostHint}.`,
    ];
  }
  return [
    `that is a repository ${scheme ? 'URL' : 'URI'} (registry host and name), not a name`,
    `Use the name ${JSON.stringify(stripReference(rest.slice(slash + 1)))}; ${hostHint}.`,
  ];
}

/** A digest or tag after the name. */
function referenceProblem(value: string): Problem | undefined {
  if (value.includes('@')) {
    return [
      'it names an image digest',
      `Use the repository name ${JSON.stringify(stripReference(value))}; digests are found by the push.`,
    ];
  }
  if (value.slice(value.lastIndexOf('/') + 1).includes(':')) {
    return [
      'it includes a tag',
      `Use ${JSON.stringify(stripReference(value))}; tags come from the content hash and the version in template.json.`,
    ];
  }
  return undefined;
}

/** Case, length and characters, as ECR's CreateRepository checks them. */
function shapeProblem(value: string): Problem | undefined {
  if (value !== value.toLowerCase())
    return ['ECR repository names are lowercase', `Use ${JSON.stringify(value.toLowerCase())}.`];
  if (value.length < 2 || value.length > 256)
    return [`it has ${value.length} characters`, 'ECR repository names have 2 to 256.'];
  if (!ECR_REPOSITORY_NAME.test(value)) {
    return [
      'not a valid ECR repository name',
      "Use lowercase letters and digits, separated by single '.', '_', '-' or '/' (e.g. sagemaker-templates/my-algo).",
    ];
  }
  return undefined;
}

/** The name without `:tag` or `@digest`. */
function stripReference(value: string): string {
  const at = value.indexOf('@');
  const withoutDigest = at >= 0 ? value.slice(0, at) : value;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
}
