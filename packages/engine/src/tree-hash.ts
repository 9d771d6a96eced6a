import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { field, hashEntry } from './content-hash.ts';
import { compareCodeUnits, fileEntry, type ContextEntry } from './context-files.ts';

/** Folders no tree hash looks into: installed packages, build outputs, version control. */
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  'dist',
  '.git',
  '.sagemaker-templates',
  '__pycache__',
]);

export interface TreeHashOptions {
  /** Files (POSIX paths relative to their root) left out, e.g. tests and docs. */
  skipFile?: (relativePath: string) => boolean;
}

/**
 * SHA-256 over every file and symlink under each root (the root's label, then each entry's path,
 * executable bit and content, hashed as contentHash hashes a build context) plus `extra` strings:
 * the key of anything that depends on source folders rather than on one build context, such as a
 * conformance pass.
 */
export async function treeHash(
  roots: readonly { label: string; root: string }[],
  extra: readonly string[] = [],
  { skipFile = () => false }: TreeHashOptions = {},
): Promise<string> {
  const hash = createHash('sha256');
  hash.update('sagemaker-templates/tree-hash/v1\0');
  for (const { label, root } of roots) {
    field(hash, 'root');
    field(hash, label);
    for (const entry of await listTree(path.resolve(root), skipFile)) await hashEntry(hash, entry);
  }
  for (const value of extra) {
    field(hash, 'extra');
    field(hash, value);
  }
  return hash.digest('hex');
}

async function listTree(root: string, skipFile: (relativePath: string) => boolean) {
  const entries: ContextEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort(compareCodeUnits)) {
      const absolutePath = path.join(dir, name);
      const relative = path.relative(root, absolutePath).split(path.sep).join('/');
      const stats = await lstat(absolutePath);
      if (stats.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) await walk(absolutePath);
        continue;
      }
      const entry = skipFile(relative) ? undefined : await fileEntry(stats, relative, absolutePath);
      if (entry) entries.push(entry);
    }
  };
  await walk(root);
  return entries;
}
