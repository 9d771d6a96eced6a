import type Docker from 'dockerode';
import { hostname } from 'node:os';
import { hasEngineStatus } from './engine-status.ts';
import { MANAGED_LABEL, OWNER_LABEL, parseOwner, SESSION_LABEL } from './labels.ts';

/** How many objects a sweep removed. */
export interface SweepResult {
  containers: number;
  networks: number;
  volumes: number;
}

/** What decides whether a managed object is a leftover. */
export interface LeftoverRule {
  /** Also remove everything of this session (e.g. the current one, in afterAll). */
  session?: string;
  hostname: string;
  isAlive: (pid: number) => boolean;
}

/** True when the labelled object belongs to the given session, or to a process of this host that is gone. */
export function isLeftover(
  labels: Record<string, string> | undefined,
  rule: LeftoverRule,
): boolean {
  if (!labels || labels[MANAGED_LABEL] === undefined) return false;
  if (rule.session !== undefined && labels[SESSION_LABEL] === rule.session) return true;
  const owner = parseOwner(labels[OWNER_LABEL]);
  return owner !== undefined && owner.hostname === rule.hostname && !rule.isAlive(owner.pid);
}

/** Whether a process with this pid exists on this host (EPERM means it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes managed containers (forced, with their volumes), then networks, then volumes whose owner
 * process on this host is gone, or whose session is `session`. Objects of live processes and of
 * other hosts sharing the engine are left alone.
 */
export async function sweepLeftovers(
  docker: Docker,
  { session }: { session?: string } = {},
): Promise<SweepResult> {
  const rule: LeftoverRule = {
    hostname: hostname(),
    isAlive: isProcessAlive,
    ...(session === undefined ? {} : { session }),
  };
  const filters = JSON.stringify({ label: [MANAGED_LABEL] });
  const result: SweepResult = { containers: 0, networks: 0, volumes: 0 };
  // 404: removed meanwhile; 409 (and 403 for networks): still in use by an object that is not ours to remove.
  const gone = (error: unknown): void => {
    if (!hasEngineStatus(error, 403, 404, 409)) throw error;
  };

  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers
      .filter((info) => isLeftover(info.Labels, rule))
      .map(async (info) => {
        await docker
          .getContainer(info.Id)
          .remove({ force: true, v: true })
          .then(() => (result.containers += 1), gone);
      }),
  );

  const networks = await docker.listNetworks({ filters });
  for (const info of networks.filter((network) => isLeftover(network.Labels, rule))) {
    await docker
      .getNetwork(info.Id)
      .remove()
      .then(() => (result.networks += 1), gone);
  }

  const { Volumes: volumes } = await docker.listVolumes({ filters });
  for (const info of (volumes ?? []).filter((volume) =>
    isLeftover(volume.Labels ?? undefined, rule),
  )) {
    await docker
      .getVolume(info.Name)
      .remove({ force: true })
      .then(() => (result.volumes += 1), gone);
  }
  return result;
}
