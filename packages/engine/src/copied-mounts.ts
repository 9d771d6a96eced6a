import type Docker from 'dockerode';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, pack as tarPack, type Pack } from 'tar-stream';
import { createVolume, type ManagedVolume } from './create-volume.ts';
import { managedLabels } from './labels.ts';

/** A host path a container sees at `target`: bind-mounted, or copied when the engine is elsewhere. */
export interface MountSpec {
  source: string;
  target: string;
  readOnly?: boolean;
  /** Copy what the container left at `target` back into `source` once it has stopped (copied mode). */
  copyBack?: boolean;
}

/**
 * Parses a Docker bind (`host:container[:ro]`). Nothing is copied back: what a container writes to
 * a bound source folder (caches, .pyc) must not land in the repository; say `copyBack` for that.
 */
export function parseBind(bind: string): MountSpec {
  const [source, target, mode, ...rest] = bind.split(':');
  if (!source || !target || rest.length > 0 || (mode !== undefined && !/^(ro|rw)$/.test(mode)))
    throw new Error(`Bind "${bind}" is not host:container[:ro|rw]. Fix the mount you pass.`);
  const readOnly = mode === 'ro';
  return { source, target, readOnly };
}

/** A Docker `Binds` entry for `mount` (the shared mode). */
export const bindOf = (mount: MountSpec): string =>
  `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`;

// Where the loader container sees the volumes it fills; never started, so the path is only a name.
const LOAD_ROOT = '/smt-load';

/**
 * Host folders copied into fresh volumes for an engine that does not share this machine's file
 * system (see engineFiles). Folders become volumes mounted without the image's own content (as a
 * bind hides it); single files are copied into the container's file system before it starts (a
 * volume cannot be a file), so they are writable there even when asked read-only.
 */
export class CopiedMounts {
  private constructor(
    private readonly docker: Docker,
    private readonly folders: { mount: MountSpec; volume: ManagedVolume }[],
    private readonly files: MountSpec[],
  ) {}

  /** Makes a volume per folder and copies each folder in, through a container of `image` that never starts. */
  static async create(docker: Docker, image: string, mounts: MountSpec[]): Promise<CopiedMounts> {
    const folders: { mount: MountSpec; volume: ManagedVolume }[] = [];
    const files: MountSpec[] = [];
    const copied = new CopiedMounts(docker, folders, files);
    try {
      for (const mount of mounts) {
        const info = await lstat(mount.source).catch(() => undefined);
        if (!info)
          throw new Error(
            `Mount source ${mount.source} does not exist. Create it or drop the mount.`,
          );
        if (info.isDirectory()) folders.push({ mount, volume: await createVolume(docker) });
        else files.push(mount);
      }
      if (folders.length) await copied.#load(image);
    } catch (error) {
      await copied.remove();
      throw error;
    }
    return copied;
  }

  /** HostConfig.Mounts for the container. */
  hostConfigMounts(): Docker.MountSettings[] {
    // @types/dockerode wants Labels and DriverConfig in VolumeOptions; the engine does not.
    return this.folders.map(({ mount, volume }) => ({
      Type: 'volume',
      Source: volume.name,
      Target: mount.target,
      ReadOnly: mount.readOnly ?? false,
      VolumeOptions: { NoCopy: true } as Docker.MountSettings['VolumeOptions'],
    }));
  }

  /** Copies the single-file mounts into `container` (created, not yet started). */
  async copyFiles(container: Docker.Container): Promise<void> {
    for (const file of this.files) {
      const tar = tarPack();
      const feed = addPath(tar, file.source, path.posix.basename(file.target)).then(() =>
        tar.finalize(),
      );
      feed.catch((error: unknown) => tar.destroy(error as Error));
      await container.putArchive(tar as unknown as Readable, {
        path: path.posix.dirname(file.target),
      });
    }
  }

  /** Copies what `container` (stopped) left in the writable mounts marked copyBack into their host folders. */
  async copyBack(container: Docker.Container): Promise<void> {
    for (const { mount } of this.folders) {
      if (!mount.copyBack || mount.readOnly) continue;
      const archive = (await container.getArchive({ path: mount.target })) as unknown as Readable;
      await extractInto(archive, mount.source);
    }
  }

  /** Removes the volumes; safe to call more than once. */
  async remove(): Promise<void> {
    for (const { volume } of this.folders) await volume.remove();
  }

  async #load(image: string): Promise<void> {
    const loader = await this.docker.createContainer({
      Image: image,
      Labels: managedLabels(),
      HostConfig: {
        Mounts: this.folders.map(({ volume }, index) => ({
          Type: 'volume',
          Source: volume.name,
          Target: `${LOAD_ROOT}/${index}`,
        })),
      },
    });
    try {
      const tar = tarPack();
      // Entries `<index>/...` land in the volumes; `<index>/` itself sets the volume root's mode.
      const feed = (async () => {
        for (const [index, { mount }] of this.folders.entries())
          await addPath(tar, mount.source, String(index));
        tar.finalize();
      })();
      feed.catch((error: unknown) => tar.destroy(error as Error));
      await loader.putArchive(tar as unknown as Readable, { path: LOAD_ROOT });
    } finally {
      await loader.remove({ force: true, v: true });
    }
  }
}

/** Adds `source` (a file or a folder, recursively) to `tar` under `name`, keeping modes. */
async function addPath(tar: Pack, source: string, name: string): Promise<void> {
  const info = await lstat(source);
  const header = { name, mode: info.mode & 0o7777, mtime: info.mtime };
  if (info.isDirectory()) {
    tar.entry({ ...header, type: 'directory' });
    for (const entry of await readdir(source))
      await addPath(tar, path.join(source, entry), `${name}/${entry}`);
  } else if (info.isFile()) {
    await new Promise<void>((resolve, reject) => {
      const sink = tar.entry({ ...header, size: info.size }, (error) =>
        error ? reject(error) : resolve(),
      );
      const file = createReadStream(source);
      file.on('error', (error) => {
        sink.destroy(error);
        reject(new Error(`Cannot read ${source} to copy it to the engine: ${error.message}`));
      });
      file.pipe(sink as unknown as NodeJS.WritableStream);
    });
  }
}

/** Extracts an archive the engine made of a folder (its first component is the folder) into `dir`. */
async function extractInto(archive: Readable, dir: string): Promise<void> {
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const relative = header.name.split('/').slice(1).join('/');
      const target = path.join(dir, relative);
      const write = async () => {
        if (path.relative(dir, target).startsWith('..'))
          throw new Error(`Archive entry ${header.name} from the engine escapes ${dir}.`);
        if (header.type === 'directory') await mkdir(target, { recursive: true });
        else if (header.type === 'file') {
          await mkdir(path.dirname(target), { recursive: true });
          await pipeline(stream, createWriteStream(target, { mode: 0o666 }));
          return;
        }
        stream.resume();
      };
      write().then(() => next(), reject);
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  archive.pipe(reader as unknown as NodeJS.WritableStream);
  await done;
}
