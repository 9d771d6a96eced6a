import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { README, withCatalogue } from './write-catalogue.ts';

it('conformance/README.md carries the catalogue of the current checks', async () => {
  const readme = await readFile(README, 'utf8');
  expect(readme, 'stale catalogue: run `npx tsx conformance/src/write-catalogue.ts`').toBe(
    await withCatalogue(readme),
  );
});
