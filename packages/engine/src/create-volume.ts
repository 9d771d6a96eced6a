import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { hasEngineStatus } from './engine-status.ts';
import { managedLabels } from './labels.ts';

/** A labelled named volume; `await using` removes it. */
export interface ManagedVolume extends AsyncDisposable {
  name: string;
  remove(): Promise<void>;
}

/** Creates a labelled local volume. */
export async function createVolume(
  docker: Docker,
  {
    name = `smt-${randomBytes(4).toString('hex')}`,
    labels,
  }: { name?: string; labels?: Record<string, string> } = {},
): Promise<ManagedVolume> {
  await docker.createVolume({ Name: name, Labels: managedLabels(labels) });
  const remove = async (): Promise<void> => {
    try {
      await docker.getVolume(name).remove({ force: true });
    } catch (error) {
      if (!hasEngineStatus(error, 404)) throw error;
    }
  };
  return { name, remove, [Symbol.asyncDispose]: remove };
}
