import type Docker from 'dockerode';

/** Overrides how files reach containers: `shared` (bind mounts) or `copied` (volumes). */
export const ENGINE_FILES_ENV = 'SAGEMAKER_TEMPLATES_ENGINE_FILES';

/** How host folders reach this engine's containers. */
export type EngineFiles = 'shared' | 'copied';

interface ModemAddress {
  socketPath?: unknown;
  protocol?: string;
  host?: string;
}

const modemOf = (docker: Docker): ModemAddress => docker.modem as unknown as ModemAddress;

/**
 * Whether the engine sees this machine's file system: the one decision every mount asks. A local
 * socket (unix, npipe) is an engine on this machine, so folders are bind-mounted; tcp, https and
 * ssh may be another machine, whose `/tmp` is not ours, so folders are copied into volumes. An
 * engine behind a tcp port on this machine, or a socket forwarded from elsewhere, is the odd case
 * the override is for.
 */
export function engineFiles(docker: Docker, env: NodeJS.ProcessEnv = process.env): EngineFiles {
  const override = env[ENGINE_FILES_ENV]?.trim();
  if (override === 'shared' || override === 'copied') return override;
  if (override)
    throw new Error(
      `${ENGINE_FILES_ENV}=${override} is not a mode. Set it to "shared" (bind-mount folders) or "copied" (copy them into volumes), or unset it.`,
    );
  return modemOf(docker).host ? 'copied' : 'shared';
}

/** True when the engine is reached over the network (tcp, https, ssh) rather than a local socket. */
export function engineIsRemote(docker: Docker): boolean {
  return Boolean(modemOf(docker).host);
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * Where a port the engine publishes is reached from here, and the address the engine binds it to.
 * A local engine (socket or loopback tcp) publishes on 127.0.0.1 only; an engine on another host
 * publishes on all of that host's interfaces, reached at the host name of DOCKER_HOST, because its
 * loopback is not ours.
 */
export function publishedPortHost(docker: Docker): { connectTo: string; bindTo: string } {
  const host = modemOf(docker).host;
  if (!host || LOOPBACK.test(host)) return { connectTo: '127.0.0.1', bindTo: '127.0.0.1' };
  return { connectTo: host.includes(':') ? `[${host}]` : host, bindTo: '0.0.0.0' };
}
