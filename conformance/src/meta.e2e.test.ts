import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  connectEngine,
  hostGpuCount,
  inspectImage,
  SESSION_LABEL,
  sessionId,
  sweepLeftovers,
} from '@sagemaker-templates/engine';
import { loadManifest } from '@sagemaker-templates/contract';
import {
  brokenFixtureIds,
  FIXTURE_MANIFEST,
  FIXTURES_DIR,
  fixtureDockerfile,
  fixtureManifest,
  fixtureImage,
} from './fixtures.ts';
import { runSuite } from './runner.ts';
import { setImagePlatform } from './test-support/set-image-platform.ts';
import type { SuiteReport } from './report.ts';

// The meta-test of the suite: the good fixture passes every check, and each broken fixture fails
// exactly the check it is named after, so no check can be one that never fails.
const docker = connectEngine();

async function buildFixture(id: string): Promise<string> {
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
    buildArgs: { BASE_IMAGE: base },
  });
  const platform = join(FIXTURES_DIR, 'broken', id, 'platform');
  if (existsSync(platform)) await setImagePlatform(image, readFileSync(platform, 'utf8'));
  return image;
}

const hostGpus = await hostGpuCount();
const failed = (report: SuiteReport) =>
  report.results.filter((r) => r.status === 'fail').map((r) => r.id);

describe('conformance suite meta-test', () => {
  beforeAll(() => sweepLeftovers(docker));
  afterAll(async () => {
    // Every run removed its own containers: none of this session's is left, even before a sweep.
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`${SESSION_LABEL}=${sessionId}`] },
    });
    expect(left.map((c) => c.Names)).toEqual([]);
    await sweepLeftovers(docker);
  });

  it('passes the good fixture on every check', async () => {
    const image = await buildFixture('good');
    const report = await runSuite({ image, manifestPath: FIXTURE_MANIFEST });
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const skipped = report.results.filter((r) => r.status === 'skip').map((r) => r.id);
    // The fixture uses GPUs when there are some, so the CPU-only policy does not apply to it.
    expect(skipped).toEqual(
      hostGpus === 0 ? ['image.cpu-no-cuda', 'train.gpu.real'] : ['image.cpu-no-cuda'],
    );
  });

  for (const id of brokenFixtureIds()) {
    // The real GPU tier can only fail where there are GPUs; elsewhere it reports skip by design.
    const needsGpu = id === 'train.gpu.real' && hostGpus === 0;
    it.skipIf(needsGpu)(`fails ${id} on its broken fixture, and nothing else`, async () => {
      const image = await buildFixture(id);
      const report = await runSuite({ image, manifestPath: fixtureManifest(id) });
      const result = report.results.find((r) => r.id === id);
      expect(result?.status, result?.message).toBe('fail');
      expect(result?.message.length).toBeGreaterThan(10);
      expect(result?.hint).toBeTruthy();
      expect(failed(report)).toEqual([id]);
      expect(report.ok).toBe(result?.level !== 'must');
    });
  }
});
