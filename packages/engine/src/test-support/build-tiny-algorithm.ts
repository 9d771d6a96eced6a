import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildImage } from '../build-image.ts';
import type { EngineTestSession } from './engine-test-session.ts';

/** Fixture folder of the stand-in algorithm (train and serve in bash and perl). */
export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Builds the stand-in algorithm on the session's base image and answers its tag. */
export async function buildTinyAlgorithm(session: EngineTestSession): Promise<string> {
  const tag = session.tag('tiny-algorithm');
  await buildImage(session.docker, {
    context: path.join(fixturesDir, 'tiny-algorithm'),
    tags: [tag],
    buildArgs: { BASE_IMAGE: session.base },
  });
  return tag;
}
