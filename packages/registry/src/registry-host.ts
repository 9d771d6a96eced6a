import { RepositoryNameError } from './repository-name.ts';

const HOST_PORT =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::\d{1,5})?$/i;

/**
 * Checks a registry host given to push through (`--registry`, SAGEMAKER_TEMPLATES_PUSH_REGISTRY):
 * `host` or `host:port`, no scheme and no repository path. Returns it in lower case.
 */
export function assertRegistryHost(value: string, where: string): string {
  const fail = (problem: string, fix: string): never => {
    throw new RepositoryNameError(`${where} is ${JSON.stringify(value)}: ${problem}. ${fix}`);
  };
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0];
  const rest = scheme ? value.slice(scheme.length) : value;
  const slash = rest.indexOf('/');
  if (slash >= 0 && rest.slice(slash + 1).length > 0) {
    fail(
      'that is a repository URI, but a registry host is expected here',
      `Use ${JSON.stringify(rest.slice(0, slash))}; the repository name goes in push.repository (or --repository): ${JSON.stringify(rest.slice(slash + 1).replace(/[:@].*$/, ''))}.`,
    );
  }
  const host = slash >= 0 ? rest.slice(0, slash) : rest;
  if (scheme) fail('a URL is given, but a host is expected', `Use ${JSON.stringify(host)}.`);
  if (!HOST_PORT.test(host)) {
    fail(
      'not a host name',
      'Use host or host:port, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com or 127.0.0.1:5000.',
    );
  }
  return host.toLowerCase();
}
