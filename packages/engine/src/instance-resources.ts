import type Docker from 'dockerode';
import { availableParallelism } from 'node:os';

/** What an instance type gives a container (see packages/contract's INSTANCE_TYPES). */
export interface InstanceResources {
  /** `ml.m5.large` */
  name: string;
  vcpus: number;
  memoryBytes: number;
}

/** Docker's limits for a container sized as an instance, with what this host cannot match. */
export interface SizedHostConfig {
  hostConfig: Docker.HostConfig;
  /** E.g. that the instance has more vCPUs than this host. */
  notes: string[];
}

/**
 * The memory limit of the instance, with no swap (instances have none, so a container that needs
 * more is killed, as on SageMaker), and its vCPUs as a CPU quota, at most this host's CPUs (the
 * engine refuses more): a run sized so fails here the way it would fail there.
 */
export function sizedHostConfig(
  resources: InstanceResources,
  hostCpus: number = availableParallelism(),
): SizedHostConfig {
  const cpus = Math.min(resources.vcpus, hostCpus);
  const notes =
    resources.vcpus > hostCpus
      ? [
          `${resources.name} has ${resources.vcpus} vCPUs; this host has ${hostCpus}, so the container gets ${hostCpus}`,
        ]
      : [];
  return {
    hostConfig: {
      Memory: resources.memoryBytes,
      MemorySwap: resources.memoryBytes,
      NanoCpus: Math.round(cpus * 1e9),
    },
    notes,
  };
}

/** `8.0 GiB` */
export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
