import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pack as tarPack, type Pack } from 'tar-stream';
import { dockerfileInContext, listContextFiles, type ContextEntry } from './context-files.ts';

/** A file added to a build context that is not in the context folder. */
export interface ExtraContextFile {
  path: string;
  content: Buffer;
}

/** A build context as a tar stream, plus the name under which the Dockerfile travels in it. */
export interface PackedContext {
  /** Uncompressed tar (a streamx readable: pipe it or iterate it). */
  tar: Pack;
  dockerfile: string;
  entries: ContextEntry[];
}

type TarHeader = Parameters<Pack['entry']>[0];

// A Dockerfile outside the context travels under this name, as the docker CLI does with a random one.
const OUTSIDE_DOCKERFILE = '.sagemaker-templates/Dockerfile';
// Generated files get a fixed mtime so that the same inputs make the same tar.
const GENERATED_MTIME = new Date('2020-01-01T00:00:00Z');
const ROOT_OWNED = { uid: 0, gid: 0, uname: '', gname: '' };

/**
 * Packs `context` after .dockerignore into an uncompressed tar for the engine, plus `extraFiles`.
 * Owners are root and modes are normalized (0644/0755) so that the engine's build cache and the
 * built layers do not depend on the umask or user of the machine that packed them.
 */
export async function packContext(
  context: string,
  {
    dockerfile = 'Dockerfile',
    extraFiles = [],
  }: { dockerfile?: string; extraFiles?: ExtraContextFile[] } = {},
): Promise<PackedContext> {
  const root = path.resolve(context);
  const extras = [...extraFiles];
  let dockerfileName = dockerfileInContext(root, dockerfile);
  if (dockerfileName === undefined) {
    const content = await readFile(path.resolve(root, dockerfile));
    extras.push({ path: OUTSIDE_DOCKERFILE, content });
    dockerfileName = OUTSIDE_DOCKERFILE;
  }
  const extraPaths = new Set(extras.map((extra) => extra.path));
  const entries = (await listContextFiles(root, { dockerfile })).filter(
    (entry) => !extraPaths.has(entry.path),
  );

  const pack = tarPack();
  const feed = async (): Promise<void> => {
    for (const entry of entries) await addContextEntry(pack, entry);
    await addExtraFiles(pack, extras, new Set(entries.map((entry) => entry.path)));
    pack.finalize();
  };
  feed().catch((error: unknown) => pack.destroy(error as Error));
  return { tar: pack, dockerfile: dockerfileName, entries };
}

/** One entry of the context, owned by root with a normalized mode. */
async function addContextEntry(pack: Pack, entry: ContextEntry): Promise<void> {
  const header = { ...ROOT_OWNED, name: entry.path, mtime: entry.mtime };
  if (entry.type === 'directory') {
    await addEntry(pack, { ...header, type: 'directory', mode: 0o755 });
  } else if (entry.type === 'symlink') {
    await addEntry(pack, {
      ...header,
      type: 'symlink',
      mode: 0o777,
      linkname: entry.linkTarget ?? '',
    });
  } else {
    const mode = entry.executable ? 0o755 : 0o644;
    await addFile(pack, { ...header, type: 'file', mode, size: entry.size }, entry.absolutePath);
  }
}

/** Generated files (and any parent folder the context lacks), with a fixed mtime. */
async function addExtraFiles(pack: Pack, extras: ExtraContextFile[], present: Set<string>) {
  const header = { ...ROOT_OWNED, mtime: GENERATED_MTIME };
  for (const extra of extras) {
    for (const dir of parentDirs(extra.path).filter((dir) => !present.has(dir))) {
      present.add(dir);
      await addEntry(pack, { ...header, name: dir, type: 'directory', mode: 0o755 });
    }
    const file = { ...header, name: extra.path, type: 'file' as const, mode: 0o644 };
    await addEntry(pack, { ...file, size: extra.content.length }, extra.content);
  }
}

function parentDirs(file: string): string[] {
  const parts = file.split('/').slice(0, -1);
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

function addEntry(pack: Pack, header: TarHeader, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, content ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
  });
}

function addFile(pack: Pack, header: TarHeader, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    const source = createReadStream(file);
    source.on('error', (error) => {
      sink.destroy(error);
      reject(
        new Error(`Cannot read ${file} for the build context: ${error.message}`, { cause: error }),
      );
    });
    source.pipe(sink);
  });
}
