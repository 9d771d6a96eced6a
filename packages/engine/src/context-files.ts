import { createRequire } from 'node:module';
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
  const hasExceptions = patterns.some((line) => line.trim().startsWith('!'));
  const alwaysSent = new Set([
    '.dockerignore',
    dockerfileInContext(root, dockerfile) ?? '.dockerignore',
  ]);
  const entries: ContextEntry[] = [];

  async function walk(dir: string): Promise<void> {
    const names = (await readdir(dir)).sort(compareCodeUnits);
    for (const name of names) {
      const absolutePath = path.join(dir, name);
      const relative = toPosix(path.relative(root, absolutePath));
      const stats = await lstat(absolutePath);
      const included = keep(relative) || alwaysSent.has(relative);
      if (stats.isDirectory()) {
        if (!included && !hasExceptions) continue;
        const before = entries.length;
        const placeholder: ContextEntry = {
          path: relative,
          absolutePath,
          type: 'directory',
          executable: true,
          size: 0,
          mtime: stats.mtime,
        };
        entries.push(placeholder);
        await walk(absolutePath);
        // An excluded folder only travels when something inside it was brought back.
        if (!included && entries.length === before + 1) entries.pop();
        continue;
      }
      if (!included) continue;
      if (stats.isFile()) {
        entries.push({
          path: relative,
          absolutePath,
          type: 'file',
          executable: (stats.mode & 0o111) !== 0,
          size: stats.size,
          mtime: stats.mtime,
        });
      } else if (stats.isSymbolicLink()) {
        entries.push({
          path: relative,
          absolutePath,
          type: 'symlink',
          executable: false,
          size: 0,
          mtime: stats.mtime,
          linkTarget: await readlink(absolutePath),
        });
      }
      // Sockets, FIFOs and devices are skipped, as the docker CLI does.
    }
  }

  await walk(root);
  return entries;
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
