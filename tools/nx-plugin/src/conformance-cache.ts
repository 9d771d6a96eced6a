import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUITE_VERSION } from '@sagemaker-templates/conformance';

/** A conformance pass, keyed on what decides the outcome: the image and the suite with its inputs. */
export interface ConformancePass {
  name: string;
  imageId: string;
  suiteKey: string;
  passedAt: string;
  /** The JSON report of that run, written again when a later run relies on the pass. */
  report?: unknown;
}

/** Folders of a template that never affect a conformance run. */
const SKIPPED = new Set(['node_modules', 'dist', '.sagemaker-templates', '.git']);

/**
 * The suite side of the key: SUITE_VERSION, the suite's code, and the template's files outside the
 * image (template.json's conformance profile, fixtures), since those change what the suite checks.
 * Documentation (*.md) is left out.
 */
export async function suiteKey(templateRoot: string): Promise<string> {
  const suiteSrc = dirname(fileURLToPath(import.meta.resolve('@sagemaker-templates/conformance')));
  const hash = createHash('sha256');
  hash.update(`suite ${SUITE_VERSION}\0`);
  await hashTree(hash, suiteSrc, suiteSrc);
  hash.update('template\0');
  await hashTree(hash, resolve(templateRoot), resolve(templateRoot));
  return hash.digest('hex');
}

async function hashTree(
  hash: ReturnType<typeof createHash>,
  root: string,
  dir: string,
): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) await hashTree(hash, root, path);
    } else if (entry.isFile() && !entry.name.endsWith('.md')) {
      const content = await readFile(path);
      hash.update(`${relative(root, path)}\0${content.length}\0`);
      hash.update(content);
    }
  }
}

/** Conformance passes on this machine, under `.cache/conformance/` of the workspace (git-ignored). */
export class ConformanceCache {
  constructor(readonly dir: string = join(process.cwd(), '.cache', 'conformance')) {}

  private file(imageId: string, key: string): string {
    const id = createHash('sha256').update(`${imageId}\0${key}`).digest('hex').slice(0, 32);
    return join(this.dir, `${id}.json`);
  }

  /** The recorded pass of this image under this suite key, if any. */
  async find(imageId: string, key: string): Promise<ConformancePass | undefined> {
    try {
      const pass = JSON.parse(await readFile(this.file(imageId, key), 'utf8')) as ConformancePass;
      return pass.imageId === imageId && pass.suiteKey === key ? pass : undefined;
    } catch {
      return undefined;
    }
  }

  async record(pass: Omit<ConformancePass, 'passedAt'>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const entry: ConformancePass = { ...pass, passedAt: new Date().toISOString() };
    await writeFile(this.file(pass.imageId, pass.suiteKey), `${JSON.stringify(entry, null, 2)}\n`);
  }
}
