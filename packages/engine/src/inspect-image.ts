import type Docker from 'dockerode';
import { hasEngineStatus } from './engine-status.ts';

/** What the engine says about an image (`docker image inspect`). */
export type ImageDescription = Docker.ImageInspectInfo;

/** The engine's description of an image, or undefined when the engine does not have it. */
export async function inspectImage(
  docker: Docker,
  ref: string,
): Promise<ImageDescription | undefined> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (error) {
    if (hasEngineStatus(error, 404)) return undefined;
    throw error;
  }
}

/** The uncompressed size of an image in bytes; throws when the engine does not have it. */
export async function imageSizeBytes(docker: Docker, ref: string): Promise<number> {
  const info = await inspectImage(docker, ref);
  if (!info) throw new Error(`Image ${ref} is not on the engine. Build it first.`);
  return info.Size;
}
