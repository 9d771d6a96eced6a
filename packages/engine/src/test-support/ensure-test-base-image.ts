import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ndjson } from '../build-image.ts';
import { inspectImage } from '../inspect-image.ts';

/** The offline Debian base the machine scripts create; preferred when present. */
export const PROJECT_BASE_IMAGE = 'sagemaker-templates/debian:bookworm';
/** Made by these tests from a debootstrapped root filesystem when the project base is missing. */
export const ENGINE_TEST_BASE_IMAGE = 'sagemaker-templates/engine-test-base:latest';

/** A local Debian image to build test images FROM (no registry is reachable, so nothing is pulled). */
export async function ensureTestBaseImage(
  docker: Docker,
  rootfs = process.env.ENGINE_TEST_ROOTFS ?? '/tmp/dbs/rootfs',
): Promise<string> {
  for (const candidate of [PROJECT_BASE_IMAGE, ENGINE_TEST_BASE_IMAGE]) {
    if (await inspectImage(docker, candidate)) return candidate;
  }
  if (!existsSync(`${rootfs}/bin/sh`)) {
    throw new Error(
      `Neither ${PROJECT_BASE_IMAGE} nor ${ENGINE_TEST_BASE_IMAGE} is on the engine, and ${rootfs} holds no root filesystem to import. ` +
        'Create the base with the tools/machine scripts, or set ENGINE_TEST_ROOTFS to a debootstrapped folder.',
    );
  }
  // tar (not our context packer) keeps owners, setuid bits and device nodes of the root filesystem.
  const tar = spawn('tar', ['-C', rootfs, '--numeric-owner', '-cf', '-', '.'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [repo, tag] = ENGINE_TEST_BASE_IMAGE.split(':') as [string, string];
  const progress = (await docker.importImage(tar.stdout, { repo, tag })) as unknown as Readable;
  for await (const event of ndjson(progress)) {
    const error = (event as { error?: string }).error;
    if (error) throw new Error(`Importing ${rootfs} as ${ENGINE_TEST_BASE_IMAGE} failed: ${error}`);
  }
  return ENGINE_TEST_BASE_IMAGE;
}
