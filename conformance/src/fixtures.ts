import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** conformance/fixtures: the build context of every fixture image. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures', import.meta.url));
export const FIXTURE_MANIFEST = join(FIXTURES_DIR, 'algorithm', 'template.json');
export const FIXTURE_REPOSITORY = 'sagemaker-templates/conformance-fixture';

/** Check ids that have a broken fixture image under fixtures/broken/<id>/. */
export function brokenFixtureIds(): string[] {
  return readdirSync(join(FIXTURES_DIR, 'broken'))
    .filter((id) => existsSync(join(FIXTURES_DIR, 'broken', id, 'Dockerfile')))
    .sort();
}

/** A broken fixture's own template.json when it has one (e.g. a tighter budget), else the shared one. */
export const fixtureManifest = (id: string) => {
  const own = join(FIXTURES_DIR, 'broken', id, 'template.json');
  return id !== 'good' && existsSync(own) ? own : FIXTURE_MANIFEST;
};
export const fixtureDockerfile = (id: string) =>
  id === 'good' ? 'good/Dockerfile' : `broken/${id}/Dockerfile`;
export const fixtureImage = (id: string) =>
  `${FIXTURE_REPOSITORY}:${id === 'good' ? 'good' : id.replaceAll('.', '-')}`;
