import { limits } from '@sagemaker-templates/contract';
import type Docker from 'dockerode';
import { engineAddress } from './connect-engine.ts';
import { bindOf, CopiedMounts, parseBind, type MountSpec } from './copied-mounts.ts';
import { engineFiles, publishedPortHost } from './engine-files.ts';
import { engineMessage, hasEngineStatus } from './engine-status.ts';
import { managedLabels } from './labels.ts';
import { RunningContainer } from './running-container.ts';

/** How to start a container. */
export interface StartContainerOptions {
  image: string;
  /** Arguments after the entrypoint, e.g. `['serve']`. */
  cmd?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  /**
   * Docker `Binds` (`host:container[:ro]`); writable ones are copied back when the engine does not
   * share this file system (see engineFiles).
   */
  binds?: string[];
  /** Host paths the container sees, e.g. from `OptMlTree.mounts()`: bound, or copied (see engineFiles). */
  mounts?: MountSpec[];
  /**
   * Publish this container port (`true`: 8080) at a random host port: on 127.0.0.1 for a local
   * engine, on all interfaces of the engine's host for a remote one (see publishedPortHost).
   */
  publishPort?: boolean | number;
  /** The loopback host port to publish it on; default a free one the engine picks. */
  hostPort?: number | undefined;
  network?: string;
  networkAliases?: string[];
  hostname?: string;
  /** Extra labels; the ownership labels are always added. */
  labels?: Record<string, string>;
  name?: string;
  user?: string;
  deviceRequests?: Docker.DeviceRequest[];
  /** The image's platform (`linux/arm64`) when it is not the host's: the engine then runs it emulated, without a warning. */
  platform?: string;
  /** No network at all (not even loopback to the host). */
  networkDisabled?: boolean;
  /** Anything else for HostConfig, applied last (e.g. `ShmSize`, `Memory`). */
  hostConfig?: Docker.HostConfig;
}

/** Creates and starts a labelled container (never auto-removed, so its exit code stays readable). */
export async function startContainer(
  docker: Docker,
  options: StartContainerOptions,
): Promise<RunningContainer> {
  const { image, cmd = [] } = options;
  const containerPort =
    options.publishPort === true ? limits.servingPort : options.publishPort || undefined;
  const portKey = containerPort === undefined ? undefined : `${containerPort}/tcp`;
  const mounts = [...(options.binds ?? []).map(parseBind), ...(options.mounts ?? [])];
  const copied =
    mounts.length && engineFiles(docker) === 'copied'
      ? await CopiedMounts.create(docker, image, mounts)
      : undefined;
  const ports = publishedPortHost(docker);
  const mountConfig = copied
    ? { Mounts: copied.hostConfigMounts() }
    : { Binds: mounts.map(bindOf) };
  let container: Docker.Container;
  try {
    container = await createContainer(
      docker,
      createOptions(options, portKey, { ...(mounts.length ? mountConfig : {}) }, ports.bindTo),
    );
  } catch (error) {
    await copied?.remove();
    throw error;
  }
  try {
    await copied?.copyFiles(container);
    await container.start();
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    await copied?.remove();
    throw new Error(
      `Container of ${image} with cmd \`${cmd.join(' ')}\` did not start: ${engineMessage(error)}`,
      { cause: error },
    );
  }
  const startedAt = performance.now();
  const hostPort = portKey ? await publishedPort(container, portKey) : undefined;
  return new RunningContainer(container, image, cmd, hostPort, containerPort, startedAt, {
    host: ports.connectTo,
    ...(copied ? { copied } : {}),
  });
}

/** The engine's create request for `options`; `portKey` (`8080/tcp`) is published on `hostIp`. */
function createOptions(
  options: StartContainerOptions,
  portKey: string | undefined,
  mountConfig: Pick<Docker.HostConfig, 'Binds' | 'Mounts'>,
  hostIp: string,
): Docker.ContainerCreateOptions {
  const { network, networkAliases } = options;
  const hostPort = options.hostPort ? String(options.hostPort) : '';
  return {
    Image: options.image,
    // No Cmd at all (rather than an empty one) keeps the image's own CMD.
    ...(options.cmd ? { Cmd: options.cmd } : {}),
    Labels: managedLabels(options.labels),
    ...(options.name ? { name: options.name } : {}),
    // Sent as a query parameter, like name (dockerode passes both).
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
    ...(options.env ? { Env: Object.entries(options.env).map(([k, v]) => `${k}=${v}`) } : {}),
    ...(options.hostname ? { Hostname: options.hostname } : {}),
    ...(options.user ? { User: options.user } : {}),
    ...(options.networkDisabled ? { NetworkDisabled: true } : {}),
    ...(portKey ? { ExposedPorts: { [portKey]: {} } } : {}),
    HostConfig: {
      AutoRemove: false,
      ...mountConfig,
      // An empty HostPort makes the engine pick a free one: no fixed host port unless asked.
      ...(portKey ? { PortBindings: { [portKey]: [{ HostIp: hostIp, HostPort: hostPort }] } } : {}),
      ...(network ? { NetworkMode: network } : {}),
      ...(options.deviceRequests?.length ? { DeviceRequests: options.deviceRequests } : {}),
      ...options.hostConfig,
    },
    ...(network && networkAliases?.length
      ? { NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: networkAliases } } } }
      : {}),
  };
}

async function createContainer(
  docker: Docker,
  create: Docker.ContainerCreateOptions,
): Promise<Docker.Container> {
  try {
    return await docker.createContainer(create);
  } catch (error) {
    if (hasEngineStatus(error, 404) && /image/i.test(engineMessage(error))) {
      throw new Error(
        `Image ${create.Image} is not on the engine at ${await engineAddress(docker)}. Build it first: this package never pulls.`,
        { cause: error },
      );
    }
    throw new Error(`Cannot create a container from ${create.Image}: ${engineMessage(error)}`, {
      cause: error,
    });
  }
}

/** The host port the engine picked for `portKey` (the IPv4 one when it published two). */
async function publishedPort(container: Docker.Container, portKey: string) {
  const info = await container.inspect().catch(() => undefined);
  const bindings = info?.NetworkSettings.Ports?.[portKey];
  const binding = bindings?.find((entry) => !entry.HostIp.includes(':')) ?? bindings?.[0];
  return binding ? Number(binding.HostPort) : undefined;
}
