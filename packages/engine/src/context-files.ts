import { createRequire } from 'node:module';
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

// The package is CommonJS (`module.exports = factory`) but its typings declare a default export.
const dockerignore = createRequire(import.meta.url)(
  '@balena/dockerignore',
) as typeof import('@balena/dockerignore').default;

/** One file, folder or symlink of a build context, as it will be sent to the engine. */
export interface ContextEntry {
  /** POSIX path relative to the context root. */
  path: string;
  absolutePath: string;
  type: 'file' | 'directory' | 'symlink';
  executable: boolean;
  size: number;
  mtime: Date;
  linkTarget?: string;
}

/** The patterns of `<context>/.dockerignore`, or none when the file is absent. */
export async function readDockerignore(context: string): Promise<string[]> {
  try {
    return (await readFile(path.join(context, '.dockerignore'), 'utf8')).split(/\r?\n/);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A predicate saying whether a context-relative POSIX path survives the given .dockerignore patterns. */
export function dockerignoreFilter(patterns: readonly string[]): (relativePath: string) => boolean {
  const matcher = dockerignore().add([...patterns]);
  return (relativePath) => !matcher.ignores(relativePath);
}

/**
 * The sorted entries of a build context after .dockerignore, with the same exceptions as the docker CLI:
 * the Dockerfile and .dockerignore are always sent (the engine needs them), and an excluded folder is
 * still walked when a `!pattern` could bring something inside it back.
 */
export async function listContextFiles(
  context: string,
  { dockerfile = 'Dockerfile' } = {},
): Promise<ContextEntry[]> {
  const root = path.resolve(context);
  const rootStat = await lstat(root).catch(() => undefined);
  if (!rootStat?.isDirectory())
    throw new Error(
      `Build context ${root} is not a folder. Pass the folder that holds the Dockerfile.`,
    );
  const patterns = await readDockerignore(root);
  const keep = dockerignoreFilter(patterns);
  const alwaysSent = new Set([
    '.dockerignore',
    dockerfileInContext(root, dockerfile) ?? '.dockerignore',
  ]);
  const walk: ContextWalk = {
    root,
    included: (relative) => keep(relative) || alwaysSent.has(relative),
    hasExceptions: patterns.some((line) => line.trim().startsWith('!')),
    entries: [],
  };
  await walkContext(walk, root);
  return walk.entries;
}

interface ContextWalk {
  root: string;
  included(relativePath: string): boolean;
  /** A `!pattern` may bring back something inside an excluded folder. */
  hasExceptions: boolean;
  entries: ContextEntry[];
}

async function walkContext(walk: ContextWalk, dir: string): Promise<void> {
  for (const name of (await readdir(dir)).sort(compareCodeUnits)) {
    const absolutePath = path.join(dir, name);
    const relative = toPosix(path.relative(walk.root, absolutePath));
    const stats = await lstat(absolutePath);
    const included = walk.included(relative);
    if (stats.isDirectory()) {
      if (!included && !walk.hasExceptions) continue;
      const before = walk.entries.length;
      walk.entries.push({
        path: relative,
        absolutePath,
        type: 'directory',
        executable: true,
        size: 0,
        mtime: stats.mtime,
      });
      await walkContext(walk, absolutePath);
      // An excluded folder only travels when something inside it was brought back.
      if (!included && walk.entries.length === before + 1) walk.entries.pop();
      continue;
    }
    const entry = included ? await fileEntry(stats, relative, absolutePath) : undefined;
    if (entry) walk.entries.push(entry);
  }
}

/**
 * A file or symlink as a context entry; undefined for sockets, FIFOs and devices, which are skipped
 * as the docker CLI skips them.
 */
export async function fileEntry(
  stats: Stats,
  relative: string,
  absolutePath: string,
): Promise<ContextEntry | undefined> {
  const common = { path: relative, absolutePath, mtime: stats.mtime };
  if (stats.isFile())
    return { ...common, type: 'file', executable: (stats.mode & 0o111) !== 0, size: stats.size };
  if (stats.isSymbolicLink())
    return {
      ...common,
      type: 'symlink',
      executable: false,
      size: 0,
      linkTarget: await readlink(absolutePath),
    };
  return undefined;
}

/** The Dockerfile's POSIX path relative to the context, or undefined when it lies outside the context. */
export function dockerfileInContext(context: string, dockerfile: string): string | undefined {
  const relative = path.relative(path.resolve(context), path.resolve(context, dockerfile));
  if (
    relative === '' ||
    relative === '..' ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative)
  )
    return undefined;
  return toPosix(relative);
}

/** Plain code-unit order: the same on every machine and locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
