import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { homedir } from 'node:os';
import path from 'node:path';

/** The engine a docker CLI context names: its endpoint and TLS material. */
export interface DockerContextEndpoint {
  name: string;
  host: string;
  skipTlsVerify: boolean;
  /** Folder holding ca.pem, cert.pem and key.pem, when the context has TLS material. */
  tlsDir?: string;
}

/** The docker CLI's configuration folder: DOCKER_CONFIG, else ~/.docker. */
const configDir = (env: NodeJS.ProcessEnv, home: string): string =>
  env.DOCKER_CONFIG || path.join(home, '.docker');

/**
 * The context the docker CLI would use when DOCKER_HOST is unset: DOCKER_CONTEXT, else
 * `currentContext` of config.json; undefined for `default` (the local socket) or none.
 */
export function currentContextName(
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string | undefined {
  const fromEnv = env.DOCKER_CONTEXT?.trim();
  if (fromEnv) return fromEnv === 'default' ? undefined : fromEnv;
  const configFile = path.join(configDir(env, home), 'config.json');
  if (!existsSync(configFile)) return undefined;
  let config: { currentContext?: unknown };
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as { currentContext?: unknown };
  } catch (error) {
    throw new Error(`${configFile} is not valid JSON. Fix it or set DOCKER_HOST.`, {
      cause: error,
    });
  }
  const name = typeof config.currentContext === 'string' ? config.currentContext : '';
  return name && name !== 'default' ? name : undefined;
}

/** Reads context `name` as the docker CLI stores it: contexts/meta/<sha256(name)>/meta.json. */
export function readDockerContext(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): DockerContextEndpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const contexts = path.join(configDir(env, home), 'contexts');
  const metaFile = path.join(contexts, 'meta', id, 'meta.json');
  if (!existsSync(metaFile))
    throw new Error(
      `Docker context "${name}" does not exist (no ${metaFile}). Create it with \`docker context create ${name} --docker host=...\`, or unset DOCKER_CONTEXT.`,
    );
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as {
    Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
  };
  const endpoint = meta.Endpoints?.docker;
  if (typeof endpoint?.Host !== 'string' || !endpoint.Host)
    throw new Error(
      `Docker context "${name}" names no engine (${metaFile} has no Endpoints.docker.Host). Recreate it with \`docker context create ${name} --docker host=...\`.`,
    );
  const tlsDir = path.join(contexts, 'tls', id, 'docker');
  return {
    name,
    host: endpoint.Host,
    skipTlsVerify: endpoint.SkipTLSVerify === true,
    ...(existsSync(path.join(tlsDir, 'ca.pem')) || existsSync(path.join(tlsDir, 'cert.pem'))
      ? { tlsDir }
      : {}),
  };
}

/** dockerode options reaching `endpoint` (unix socket, tcp with or without TLS, ssh). */
export function contextEngineOptions(endpoint: DockerContextEndpoint): Docker.DockerOptions {
  const url = new URL(endpoint.host);
  if (url.protocol === 'unix:' || url.protocol === 'npipe:')
    return { socketPath: decodeURIComponent(url.pathname) };
  if (url.protocol === 'ssh:')
    return {
      protocol: 'ssh',
      host: url.hostname,
      ...(url.port ? { port: url.port } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      sshOptions: { agent: process.env.SSH_AUTH_SOCK },
    } as Docker.DockerOptions;
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(
      `Docker context "${endpoint.name}" names ${endpoint.host}, which this tool cannot reach. Use a unix://, tcp:// or ssh:// endpoint.`,
    );
  return { host: url.hostname, port: url.port || '2375', ...tlsOptions(endpoint) };
}

function tlsOptions(endpoint: DockerContextEndpoint): Docker.DockerOptions {
  if (!endpoint.tlsDir && !endpoint.skipTlsVerify) return { protocol: 'http' };
  const read = (file: string) => {
    const full = path.join(endpoint.tlsDir ?? '', file);
    return endpoint.tlsDir && existsSync(full) ? readFileSync(full) : undefined;
  };
  const [ca, cert, key] = [read('ca.pem'), read('cert.pem'), read('key.pem')];
  const material = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  // SkipTLSVerify: the CLI still sends the client certificate but accepts any server certificate.
  const agent = endpoint.skipTlsVerify
    ? { agent: new Agent({ ...material, rejectUnauthorized: false }) }
    : {};
  return { protocol: 'https', ...material, ...agent } as Docker.DockerOptions;
}

/**
 * DOCKER_TLS_VERIFY=1 without DOCKER_CERT_PATH: the docker CLI then reads ca.pem, cert.pem and
 * key.pem from its configuration folder, which dockerode does not; undefined in any other case.
 */
function defaultCertOptions(env: NodeJS.ProcessEnv, home: string) {
  if (!env.DOCKER_HOST || env.DOCKER_TLS_VERIFY !== '1' || env.DOCKER_CERT_PATH) return undefined;
  const dir = configDir(env, home);
  const files = ['ca.pem', 'cert.pem', 'key.pem'].map((file) => path.join(dir, file));
  if (!files.every((file) => existsSync(file)))
    throw new Error(
      `DOCKER_TLS_VERIFY=1 needs ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH or ${dir}; they are not there. Set DOCKER_CERT_PATH to the folder that holds them.`,
    );
  const [ca, cert, key] = files.map((file) => readFileSync(file));
  return { ca, cert, key } as Docker.DockerOptions;
}

/**
 * Options for the engine of the current docker context, or undefined when DOCKER_HOST decides
 * (then only the TLS material the CLI would find by default, when dockerode would not).
 */
export function dockerContextOptions(
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): Docker.DockerOptions | undefined {
  if (env.DOCKER_HOST) return defaultCertOptions(env, home);
  const name = currentContextName(env, home);
  return name ? contextEngineOptions(readDockerContext(name, env, home)) : undefined;
}
