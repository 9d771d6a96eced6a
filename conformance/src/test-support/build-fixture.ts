import { buildImage, connectEngine, inspectImage } from '@sagemaker-templates/engine';
import { loadManifest } from '@sagemaker-templates/contract';
import { fixtureBuildArgs } from '../fixture-table.ts';
import {
  FIXTURE_MANIFEST,
  FIXTURES_DIR,
  fixture,
  fixtureDockerfile,
  fixtureImage,
} from '../fixtures.ts';
import { setImagePlatform } from './set-image-platform.ts';

/** Builds a fixture image as its row of the fixture table says, on the offline base; returns its tag. */
export async function buildFixture(id: string, docker = connectEngine()): Promise<string> {
  const row = fixture(id);
  const manifest = await loadManifest(FIXTURE_MANIFEST);
  const base = manifest.base.offline ?? manifest.base.upstream;
  if (!(await inspectImage(docker, base))) {
    throw new Error(`base image ${base} is missing: run \`bash tools/machine/setup.sh\` first`);
  }
  const image = fixtureImage(id);
  await buildImage(docker, {
    context: FIXTURES_DIR,
    dockerfile: fixtureDockerfile(id),
    tags: [image],
    buildArgs: { BASE_IMAGE: base, ...fixtureBuildArgs(row) },
  });
  if (row.platform) await setImagePlatform(image, row.platform);
  return image;
}
