import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectEngine,
  containersLabelled,
  hostGpuCount,
  SESSION_LABEL,
  sessionId,
  sweepLeftovers,
} from '@sagemaker-templates/engine';
import { FIXTURES, type Fixture } from './fixture-table.ts';
import { fixtureManifest } from './fixtures.ts';
import { runSuite } from './runner.ts';
import { buildFixture } from './test-support/build-fixture.ts';
import type { SuiteReport } from './report.ts';

// The meta-test of the suite: the good fixture passes every check, and each broken fixture fails
// exactly the check it is named after, so no check can be one that never fails.
const docker = connectEngine();

/** One holder at a time: fixtures that keep the CPU busy run one after another. */
function mutex(): () => Promise<() => void> {
  let tail = Promise.resolve();
  return () => {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const acquired = tail.then(() => release);
    tail = tail.then(() => next);
    return acquired;
  };
}

const hostGpus = await hostGpuCount();
const failed = (report: SuiteReport) =>
  report.results.filter((r) => r.status === 'fail').map((r) => r.id);

const busy = mutex();
const building = mutex();
const images = new Map<string, Promise<string>>();
/** A fixture's image, built on first use; builds go one at a time (they share layers). */
const built = (row: Fixture): Promise<string> => {
  let image = images.get(row.id);
  if (!image) {
    image = building().then(async (release) => {
      try {
        return await buildFixture(row.id, docker);
      } finally {
        release();
      }
    });
    images.set(row.id, image);
  }
  return image;
};
// Fixtures that only wait go first, each beside the busy ones, which take turns.
const order = [...FIXTURES].sort((a, b) => Number(b.waits ?? false) - Number(a.waits ?? false));

describe.concurrent('conformance suite meta-test', () => {
  beforeAll(() => sweepLeftovers(docker));
  afterAll(async () => {
    // Every run removed its own containers: none of this session's is left, even before a sweep.
    const left = await containersLabelled(docker, `${SESSION_LABEL}=${sessionId}`);
    expect(left.map((c) => c.names)).toEqual([]);
    await sweepLeftovers(docker);
  });

  const check = async (row: Fixture, judge: (report: SuiteReport) => void) => {
    const image = await built(row);
    const release = row.waits ? () => {} : await busy();
    try {
      judge(await runSuite({ image, manifestPath: fixtureManifest(row.id) }));
    } finally {
      release();
    }
  };

  for (const row of order) {
    if (row.id === 'good') {
      it('passes the good fixture on every check', () =>
        check(row, (report) => {
          expect(failed(report)).toEqual([]);
          expect(report.ok).toBe(true);
          const skipped = report.results.filter((r) => r.status === 'skip').map((r) => r.id);
          // The fixture uses GPUs when there are some, so the CPU-only policy does not apply to it.
          expect(skipped).toEqual(
            hostGpus === 0 ? ['image.cpu-no-cuda', 'train.gpu.real'] : ['image.cpu-no-cuda'],
          );
        }));
      continue;
    }
    // The real GPU tier can only fail where there are GPUs; elsewhere it reports skip by design.
    const needsGpu = row.id === 'train.gpu.real' && hostGpus === 0;
    it.skipIf(needsGpu)(
      `fails ${row.id} on its broken fixture (${row.broken}), and nothing else`,
      () =>
        check(row, (report) => {
          const result = report.results.find((r) => r.id === row.id);
          expect(result?.status, result?.message).toBe('fail');
          expect(result?.message.length).toBeGreaterThan(10);
          expect(result?.hint).toBeTruthy();
          expect(
            failed(report),
            JSON.stringify(report.results.filter((r) => r.status === 'fail')),
          ).toEqual([row.id]);
          expect(report.ok).toBe(result?.level !== 'must');
        }),
    );
  }
});
