import { limits } from '@sagemaker-templates/contract';
import type Docker from 'dockerode';
import { engineAddress } from './connect-engine.ts';
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
  /** Docker `Binds` (`host:container[:ro]`), e.g. from `OptMlTree.binds()`. */
  binds?: string[];
  /** Publish this container port (`true`: 8080) on 127.0.0.1 at a random host port. */
  publishPort?: boolean | number;
  network?: string;
  networkAliases?: string[];
  hostname?: string;
  /** Extra labels; the ownership labels are always added. */
  labels?: Record<string, string>;
  name?: string;
  user?: string;
  deviceRequests?: Docker.DeviceRequest[];
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
  const create: Docker.ContainerCreateOptions = {
    Image: image,
    // No Cmd at all (rather than an empty one) keeps the image's own CMD.
    ...(options.cmd ? { Cmd: options.cmd } : {}),
    Labels: managedLabels(options.labels),
    ...(options.name ? { name: options.name } : {}),
    ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
    ...(options.env
      ? { Env: Object.entries(options.env).map(([key, value]) => `${key}=${value}`) }
      : {}),
    ...(options.hostname ? { Hostname: options.hostname } : {}),
    ...(options.user ? { User: options.user } : {}),
    ...(options.networkDisabled ? { NetworkDisabled: true } : {}),
    ...(portKey ? { ExposedPorts: { [portKey]: {} } } : {}),
    HostConfig: {
      AutoRemove: false,
      ...(options.binds ? { Binds: options.binds } : {}),
      // An empty HostPort makes the engine pick a free one: never a fixed host port.
      ...(portKey ? { PortBindings: { [portKey]: [{ HostIp: '127.0.0.1', HostPort: '' }] } } : {}),
      ...(options.network ? { NetworkMode: options.network } : {}),
      ...(options.deviceRequests?.length ? { DeviceRequests: options.deviceRequests } : {}),
      ...options.hostConfig,
    },
    ...(options.network && options.networkAliases?.length
      ? {
          NetworkingConfig: {
            EndpointsConfig: { [options.network]: { Aliases: options.networkAliases } },
          },
        }
      : {}),
  };

  let container: Docker.Container;
  try {
    container = await docker.createContainer(create);
  } catch (error) {
    if (hasEngineStatus(error, 404) && /image/i.test(engineMessage(error))) {
      throw new Error(
        `Image ${image} is not on the engine at ${await engineAddress(docker)}. Build it first: this package never pulls.`,
        { cause: error },
      );
    }
    throw new Error(`Cannot create a container from ${image}: ${engineMessage(error)}`, {
      cause: error,
    });
  }

  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    throw new Error(
      `Container of ${image} with cmd \`${cmd.join(' ')}\` did not start: ${engineMessage(error)}`,
      { cause: error },
    );
  }
  const startedAt = performance.now();

  let hostPort: number | undefined;
  if (portKey) {
    const info = await container.inspect().catch(() => undefined);
    const binding =
      info?.NetworkSettings.Ports?.[portKey]?.find((entry) => entry.HostIp === '127.0.0.1') ??
      info?.NetworkSettings.Ports?.[portKey]?.[0];
    hostPort = binding ? Number(binding.HostPort) : undefined;
  }
  return new RunningContainer(container, image, cmd, hostPort, containerPort, startedAt);
}
