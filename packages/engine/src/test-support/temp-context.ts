import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary folder filled from a map of relative path to content (`{ link: target }` for a symlink, `{ mode }` for permissions). */
export interface TempContext extends AsyncDisposable {
  dir: string;
  write(relative: string, content: string, mode?: number): Promise<void>;
}

/** Makes a temporary build context; `await using` deletes it. */
export async function tempContext(
  files: Record<string, string | { content: string; mode: number } | { link: string }> = {},
): Promise<TempContext> {
  const dir = await mkdtemp(path.join(tmpdir(), 'engine-ctx-'));
  const write = async (relative: string, content: string, mode?: number): Promise<void> => {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    if (mode !== undefined) await chmod(file, mode);
  };
  for (const [relative, spec] of Object.entries(files)) {
    if (typeof spec === 'string') await write(relative, spec);
    else if ('link' in spec) {
      await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
      await symlink(spec.link, path.join(dir, relative));
    } else await write(relative, spec.content, spec.mode);
  }
  return { dir, write, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}
