import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { hasEngineStatus } from './engine-status.ts';
import { managedLabels } from './labels.ts';

/**
 * Reads files from an image without running it (a created, never started container and the
 * archive API), so it works for images without a shell. Missing paths map to undefined.
 */
export async function readImageFiles(
  docker: Docker,
  image: string,
  paths: readonly string[],
): Promise<Map<string, string | undefined>> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['true'],
    Entrypoint: [],
    Labels: managedLabels(),
  });
  const files = new Map<string, string | undefined>();
  try {
    for (const path of paths) files.set(path, await readOne(container, path));
  } finally {
    await container.remove({ force: true, v: true }).catch(() => {});
  }
  return files;
}

async function readOne(container: Docker.Container, path: string): Promise<string | undefined> {
  let archive: Readable;
  try {
    archive = (await container.getArchive({ path })) as unknown as Readable;
  } catch (error) {
    if (hasEngineStatus(error, 404)) return undefined;
    throw error;
  }
  const chunks: Buffer[] = [];
  const untar = extract();
  await new Promise<void>((resolve, reject) => {
    untar.on('entry', (header, stream, next) => {
      // Only the first entry: the file itself (a folder yields its name and no content).
      if (header.type === 'file' && chunks.length === 0)
        stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', next);
      stream.resume();
    });
    untar.on('finish', resolve);
    untar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(untar);
  });
  return Buffer.concat(chunks).toString('utf8');
}
