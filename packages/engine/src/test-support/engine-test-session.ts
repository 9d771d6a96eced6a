import type Docker from 'dockerode';
import { assertEngineAnswers, connectEngine } from '../connect-engine.ts';
import { hasEngineStatus } from '../engine-status.ts';
import { sessionId } from '../labels.ts';
import { isProcessAlive, sweepLeftovers } from '../sweep-leftovers.ts';
import { ensureTestBaseImage } from './ensure-test-base-image.ts';

/** Engine, base image and image bookkeeping shared by the e2e tests of one file. */
export interface EngineTestSession {
  docker: Docker;
  base: string;
  /** A unique tag for a test image; removed by {@link EngineTestSession.close}. */
  tag(name: string): string;
  /** Removes this session's containers, networks, volumes and test images. */
  close(): Promise<void>;
}

let counter = 0;
const TEST_REPOSITORY_PREFIX = 'sagemaker-templates/engine-test-';
// Tags are `<pid>-<session>-<n>`: the pid tells a later run whether the image's run was killed.
const TEST_TAG = /^(\d+)-[0-9a-f]+-\d+$/;

const ignoreGone = (error: unknown): void => {
  if (!hasEngineStatus(error, 404, 409)) throw error;
};

/** Removes test images tagged by runs whose process is gone (a killed run never reaches close()). */
async function removeStaleTestImages(docker: Docker): Promise<void> {
  const images = await docker.listImages({
    filters: JSON.stringify({ reference: [`${TEST_REPOSITORY_PREFIX}*`] }),
  });
  for (const ref of images.flatMap((image) => image.RepoTags ?? [])) {
    const pid = TEST_TAG.exec(ref.slice(ref.lastIndexOf(':') + 1))?.[1];
    if (pid && !isProcessAlive(Number(pid)))
      await docker.getImage(ref).remove({ force: true }).catch(ignoreGone);
  }
}

/** For beforeAll: checks the engine, sweeps leftovers of killed runs, finds a base image. */
export async function openEngineTestSession(): Promise<EngineTestSession> {
  const docker = connectEngine();
  await assertEngineAnswers(docker);
  await sweepLeftovers(docker);
  await removeStaleTestImages(docker);
  const base = await ensureTestBaseImage(docker);
  const tags: string[] = [];
  return {
    docker,
    base,
    tag(name) {
      const tag = `${TEST_REPOSITORY_PREFIX}${name}:${process.pid}-${sessionId}-${(counter += 1)}`;
      tags.push(tag);
      return tag;
    },
    async close() {
      await sweepLeftovers(docker, { session: sessionId });
      for (const tag of tags) {
        await docker.getImage(tag).remove({ force: true }).catch(ignoreGone);
      }
    },
  };
}
