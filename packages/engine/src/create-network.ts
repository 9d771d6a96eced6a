import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { hasEngineStatus } from './engine-status.ts';
import { managedLabels } from './labels.ts';

/** A labelled user-defined bridge network; `await using` removes it. */
export interface ManagedNetwork extends AsyncDisposable {
  id: string;
  name: string;
  remove(): Promise<void>;
}

/** Creates a labelled bridge network (`internal`: no route out of it) for containers that must reach each other by name. */
export async function createNetwork(
  docker: Docker,
  {
    name = `smt-${randomBytes(4).toString('hex')}`,
    internal = false,
    labels,
  }: { name?: string; internal?: boolean; labels?: Record<string, string> } = {},
): Promise<ManagedNetwork> {
  const network = await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    Internal: internal,
    CheckDuplicate: true,
    Labels: managedLabels(labels),
  });
  const remove = async (): Promise<void> => {
    try {
      await network.remove();
    } catch (error) {
      if (!hasEngineStatus(error, 404)) throw error;
    }
  };
  return { id: network.id, name, remove, [Symbol.asyncDispose]: remove };
}
