import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { FIXTURES, type Fixture } from './fixture-table.ts';

/** conformance/fixtures: the build context of every fixture image. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures', import.meta.url));
export const FIXTURE_MANIFEST = join(FIXTURES_DIR, 'algorithm', 'template.json');
export const FIXTURE_REPOSITORY = 'sagemaker-templates/conformance-fixture';

/** The table's row for a fixture id; throws for an id without one. */
export function fixture(id: string): Fixture {
  const row = FIXTURES.find((f) => f.id === id);
  if (!row) throw new Error(`no fixture ${id} in conformance/src/fixture-table.ts`);
  return row;
}

/** Check ids that have a broken fixture image, sorted. */
export const brokenFixtureIds = (): string[] =>
  FIXTURES.filter((f) => f.id !== 'good')
    .map((f) => f.id)
    .sort();

/** A fixture's own template.json when it has one (e.g. a tighter budget), else the algorithm's. */
export const fixtureManifest = (id: string) => {
  const own = fixture(id).manifest;
  return own ? join(FIXTURES_DIR, own) : FIXTURE_MANIFEST;
};
/** The Dockerfile a fixture builds from, relative to FIXTURES_DIR. */
export const fixtureDockerfile = (id: string) => fixture(id).dockerfile ?? 'Dockerfile';
export const fixtureImage = (id: string) =>
  `${FIXTURE_REPOSITORY}:${id === 'good' ? 'good' : id.replaceAll('.', '-')}`;
