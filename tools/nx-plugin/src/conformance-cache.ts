import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUITE_VERSION } from '@sagemaker-templates/conformance';
import { treeHash } from '@sagemaker-templates/engine';

/** A conformance pass, keyed on what decides the outcome: the image and the suite with its inputs. */
export interface ConformancePass {
  name: string;
  imageId: string;
  suiteKey: string;
  passedAt: string;
  /** The image's platform (absent in passes recorded before platforms). */
  platform?: string;
  /** The JSON report of that run, written again when a later run relies on the pass. */
  report?: unknown;
}

/** A source file that cannot change a verdict: tests, test support and docs. */
const notAnInput = (relativePath: string) =>
  /\.test\.ts$|(^|\/)test-support\/|\.md$/.test(relativePath);

/**
 * The folders whose code decides a verdict: the conformance package and every workspace package it
 * depends on, directly or not (contract: the limits; engine: how containers run and are waited
 * for). Read from the package.json files, so a new dependency is covered without an edit here;
 * one that a package declares under sagemakerTemplates.notVerdictInputs (the registry, which
 * `verify` uses) is left out, so a change to how images are pushed does not re-run every suite.
 */
export async function suiteSources(): Promise<{ label: string; root: string }[]> {
  const found = new Map<string, string>();
  const visit = async (name: string): Promise<void> => {
    if (found.has(name)) return;
    const root = packageRoot(name);
    found.set(name, root);
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      sagemakerTemplates?: { notVerdictInputs?: string[] };
    };
    const skipped = new Set(manifest.sagemakerTemplates?.notVerdictInputs ?? []);
    for (const dependency of Object.keys(manifest.dependencies ?? {}))
      if (dependency.startsWith('@sagemaker-templates/') && !skipped.has(dependency))
        await visit(dependency);
  };
  await visit('@sagemaker-templates/conformance');
  return [...found].sort().map(([label, root]) => ({ label, root: join(root, 'src') }));
}

/** A workspace package's folder, from where Node resolves its entry point (<root>/src/index.ts). */
function packageRoot(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/**
 * The suite side of the key: SUITE_VERSION, the code of the suite and of every package it uses
 * (suiteSources), and the template's files outside the image (template.json's conformance profile,
 * fixtures, hyperparameter schema), since those change what the suite checks. One hasher: the
 * engine's treeHash, as content hashes of images are its contentHash.
 */
export async function suiteKey(
  templateRoot: string,
  sources?: { label: string; root: string }[],
): Promise<string> {
  const roots = [
    ...(sources ?? (await suiteSources())),
    { label: 'template', root: resolve(templateRoot) },
  ];
  return treeHash(roots, [`suite ${SUITE_VERSION}`], { skipFile: notAnInput });
}

/** Conformance passes on this machine, under `.cache/conformance/` of the workspace (git-ignored). */
export class ConformanceCache {
  constructor(readonly dir: string = join(process.cwd(), '.cache', 'conformance')) {}

  private file(imageId: string, key: string): string {
    const id = createHash('sha256').update(`${imageId}\0${key}`).digest('hex').slice(0, 32);
    return join(this.dir, `${id}.json`);
  }

  /** The recorded pass of this image under this suite key, if any and not older than maxAgeMs. */
  async find(
    imageId: string,
    key: string,
    maxAgeMs = Infinity,
  ): Promise<ConformancePass | undefined> {
    try {
      const pass = JSON.parse(await readFile(this.file(imageId, key), 'utf8')) as ConformancePass;
      const age = Date.now() - Date.parse(pass.passedAt);
      return pass.imageId === imageId && pass.suiteKey === key && age <= maxAgeMs
        ? pass
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records a pass made now, or (passedAt given) one relied on from the registry. */
  async record(
    pass: Omit<ConformancePass, 'passedAt'> & { passedAt?: string },
  ): Promise<ConformancePass> {
    await mkdir(this.dir, { recursive: true });
    const entry: ConformancePass = { ...pass, passedAt: pass.passedAt ?? new Date().toISOString() };
    await writeFile(this.file(pass.imageId, pass.suiteKey), `${JSON.stringify(entry, null, 2)}\n`);
    return entry;
  }
}
