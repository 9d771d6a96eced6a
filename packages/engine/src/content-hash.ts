import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  compareCodeUnits,
  dockerfileInContext,
  listContextFiles,
  type ContextEntry,
} from './context-files.ts';

/**
 * SHA-256 (64 hex chars; tags use a prefix of 12 or more) over what a build of `context` depends on:
 * every file and symlink that survives .dockerignore (path, executable bit, content; never mtime,
 * owner or the other mode bits) plus `extra` strings such as the base image id and build arguments.
 */
export async function contentHash(
  context: string,
  extra: readonly string[] = [],
  { dockerfile = 'Dockerfile' } = {},
): Promise<string> {
  const root = path.resolve(context);
  const entries = (await listContextFiles(root, { dockerfile }))
    .filter((entry) => entry.type !== 'directory')
    .sort((a, b) => compareCodeUnits(a.path, b.path));
  const hash = createHash('sha256');
  hash.update('sagemaker-templates/content-hash/v1\0');
  for (const entry of entries) await hashEntry(hash, entry);
  if (dockerfileInContext(root, dockerfile) === undefined) {
    field(hash, 'outside-dockerfile');
    field(hash, await readFile(path.resolve(root, dockerfile), 'utf8'));
  }
  for (const value of extra) {
    field(hash, 'extra');
    field(hash, value);
  }
  return hash.digest('hex');
}

/** One file or symlink: its type, path, executable bit and content (never mtime or owner). */
export async function hashEntry(
  hash: Hash,
  entry: Pick<
    ContextEntry,
    'type' | 'path' | 'executable' | 'linkTarget' | 'size' | 'absolutePath'
  >,
): Promise<void> {
  field(hash, entry.type);
  field(hash, entry.path);
  field(hash, entry.executable ? 'x' : '-');
  if (entry.type === 'symlink') {
    field(hash, entry.linkTarget ?? '');
  } else {
    hash.update(`${entry.size}\0`);
    for await (const chunk of createReadStream(entry.absolutePath)) hash.update(chunk as Buffer);
  }
}

// Length-prefixed so that no two different inputs concatenate to the same bytes.
export function field(hash: Hash, value: string): void {
  hash.update(`${Buffer.byteLength(value)}:${value}\0`);
}

/** SHA-256 (hex) of a list of strings under a label, e.g. the tags an image index is made of. */
export function fieldsHash(label: string, values: readonly string[]): string {
  const hash = createHash('sha256');
  field(hash, label);
  for (const value of values) field(hash, value);
  return hash.digest('hex');
}
