import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, inspectImage, removeImage, type Engine } from '@sagemaker-templates/engine';

/** Local bases made by tools/machine (or by the engine's e2e tests), in order of preference. */
const BASES = [
  'sagemaker-templates/debian:bookworm',
  'sagemaker-templates/engine-test-base:latest',
];

/** Small images for push tests, tagged `sagemaker-templates/registry-test:<pid>-<n>`; close() removes them and every tag pushes added. */
export interface TestImages {
  base: string;
  /** Builds an image: the base plus one file of random content (so each one is new). */
  build(): Promise<{ tag: string; id: string }>;
  close(): Promise<void>;
}

export async function openTestImages(docker: Engine): Promise<TestImages> {
  let base: string | undefined;
  for (const candidate of BASES) if (await inspectImage(docker, candidate)) base ??= candidate;
  if (!base) {
    throw new Error(
      `None of ${BASES.join(', ')} is on the engine. Make the offline bases with SAGEMAKER_TEMPLATES_BASE=offline npx nx run-many -t build --projects=tag:base-image.`,
    );
  }
  const built: string[] = [];
  let counter = 0;
  return {
    base,
    async build() {
      const dir = await mkdtemp(join(tmpdir(), 'registry-test-image-'));
      try {
        await writeFile(join(dir, 'Dockerfile'), `FROM ${base}\nCOPY payload /payload\n`);
        await writeFile(join(dir, 'payload'), randomBytes(64 * 1024));
        const tag = `sagemaker-templates/registry-test:${process.pid}-${(counter += 1)}`;
        const result = await buildImage(docker, { context: dir, tags: [tag], injectHostCa: false });
        built.push(result.imageId);
        return { tag, id: result.imageId };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async close() {
      for (const id of built) {
        const info = await inspectImage(docker, id);
        for (const ref of [...(info?.RepoTags ?? []), ...(info?.RepoDigests ?? [])]) {
          await removeImage(docker, ref).catch(() => undefined);
        }
      }
    },
  };
}
