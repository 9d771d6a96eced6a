import Docker from 'dockerode';
import { dockerContextOptions } from './docker-context.ts';
import { engineFiles, engineIsRemote, type EngineFiles } from './engine-files.ts';

const ENSURE_HINT = 'Run `bash tools/machine/ensure-docker.sh` or set DOCKER_HOST.';

/** What the engine says about itself once it answers. */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  address: string;
  /** Reached over the network (tcp, https, ssh): folders are copied, ports reached at its host. */
  remote: boolean;
}

/**
 * A client of the Docker engine. Only this package talks to it: everything else passes this value
 * to the engine's functions and never calls dockerode itself.
 */
export type Engine = Docker;

/**
 * A client for the engine named by DOCKER_HOST, else by the docker CLI's current context
 * (DOCKER_CONTEXT or `currentContext` in ~/.docker/config.json), else the local Unix socket.
 */
export function connectEngine(options?: Docker.DockerOptions): Engine {
  // A broken context throws its own message (which context, which file) rather than DOCKER_HOST's.
  const resolved = options ?? dockerContextOptions();
  try {
    return new Docker(resolved);
  } catch (error) {
    throw new Error(
      `DOCKER_HOST=${process.env.DOCKER_HOST ?? ''} is not a usable engine address. ${ENSURE_HINT}`,
      {
        cause: error,
      },
    );
  }
}

/** Where `docker` sends its requests, for messages: the socket path or the URL. */
export async function engineAddress(docker: Docker): Promise<string> {
  const modem = docker.modem as unknown as {
    socketPath?: string | (() => Promise<string>) | undefined;
    getSocketPath?: () => Promise<string> | undefined;
    protocol?: string;
    host?: string;
    port?: string | number;
  };
  if (modem.host)
    return `${modem.protocol ?? 'http'}://${modem.host}${modem.port ? `:${modem.port}` : ''}`;
  if (typeof modem.socketPath === 'string') return modem.socketPath;
  const resolved = await modem.getSocketPath?.();
  return resolved ?? '/var/run/docker.sock';
}

/** Resolves with the engine's version when it answers within `timeoutMs`, else throws an error saying how to start one. */
export async function assertEngineAnswers(
  docker: Docker,
  { timeoutMs = 5_000 } = {},
): Promise<EngineInfo> {
  const address = await engineAddress(docker);
  try {
    // dockerode accepts an abortSignal here although @types/dockerode does not say so.
    const withSignal = docker as unknown as {
      ping(options: { abortSignal: AbortSignal }): Promise<unknown>;
      version(options: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion>;
    };
    const abortSignal = AbortSignal.timeout(timeoutMs);
    await withSignal.ping({ abortSignal });
    const version = await withSignal.version({ abortSignal });
    return {
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      arch: version.Arch,
      address,
      remote: engineIsRemote(docker),
    };
  } catch (error) {
    throw new Error(`No Docker engine answers at ${address}. ${ENSURE_HINT}`, { cause: error });
  }
}

/** Which engine ran something, for reports: where, which version, and how folders reached it. */
export interface EngineDescription {
  address: string;
  version: string;
  os: string;
  arch: string;
  remote: boolean;
  /** `shared`: folders bind-mounted; `copied`: copied into volumes and back (see engineFiles). */
  files: EngineFiles;
}

/** Describes the engine `docker` reaches, or throws (as assertEngineAnswers) when none answers. */
export async function describeEngine(docker: Docker): Promise<EngineDescription> {
  const { address, version, os, arch, remote } = await assertEngineAnswers(docker);
  return { address, version, os, arch, remote, files: engineFiles(docker) };
}

/** One line for progress output: `tcp://gpu-1:2376 (Docker 27.3.1, remote, folders copied)`. */
export const engineLine = (engine: EngineDescription): string =>
  `${engine.address} (Docker ${engine.version} ${engine.os}/${engine.arch}, ${engine.remote ? 'remote' : 'local'}, folders ${engine.files === 'copied' ? 'copied into volumes' : 'bind-mounted'})`;
