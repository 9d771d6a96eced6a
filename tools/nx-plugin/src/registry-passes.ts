import { SUITE_VERSION } from '@sagemaker-templates/conformance';
import {
  DEFAULT_PASS_MAX_AGE,
  describeRecorder,
  lookupPassRecord,
  parseDuration,
  recordedHere,
  recordPassFor,
  type PassRecord,
  type PassRecordLookup,
  type PassRecordStore,
} from '@sagemaker-templates/registry';
import type { ConformancePass } from './conformance-cache.ts';

/**
 * How long a pass counts, locally and in the registry: --pass-max-age, else
 * SAGEMAKER_TEMPLATES_PASS_MAX_AGE, else 7 days. A pass is evidence about an image at a time; a
 * bound on its age makes a fresh CI runner check again now and then, which catches what the suite
 * learnt since and what the machine that passed it got wrong.
 */
export function passMaxAgeMs(option: string | undefined, env: NodeJS.ProcessEnv): number {
  if (option !== undefined) return parseDuration(option, '--pass-max-age');
  const fromEnv = env.SAGEMAKER_TEMPLATES_PASS_MAX_AGE;
  if (fromEnv) return parseDuration(fromEnv, 'SAGEMAKER_TEMPLATES_PASS_MAX_AGE');
  return parseDuration(DEFAULT_PASS_MAX_AGE, 'the default pass age');
}

/** The registry's current pass record of the image under `contentTag`, for this suite key. */
export function lookupTemplatePass(
  store: PassRecordStore,
  contentTag: string,
  suiteKey: string,
  maxAgeMs: number,
): Promise<PassRecordLookup> {
  return lookupPassRecord(store, contentTag, {
    suiteKey,
    suiteVersion: SUITE_VERSION,
    maxAgeMs,
  });
}

/** The log line of a pass relied on from the registry: when, whose, and which record. */
export function registryPassLine(store: PassRecordStore, lookup: PassRecordLookup): string {
  const found = lookup.found;
  if (!found) return `no current pass record in the registry (${lookup.missing ?? 'none'})`;
  const where = `${store.registry}/${store.repository}@${found.digest.slice(0, 19)}`;
  return `passed at ${found.record.passedAt} by ${describeRecorder(found.record.recordedBy)} (pass record ${where})`;
}

/**
 * Records in the registry that the image under `contentTag` passed: one record for all its
 * platforms, dated by the oldest of their passes so that it never outlives one of them.
 */
export async function recordTemplatePass(
  store: PassRecordStore,
  args: { template: string; contentTag: string; suiteKey: string; passes: ConformancePass[] },
  log: (line: string) => void,
): Promise<void> {
  const passedAt = args.passes.map((p) => p.passedAt).sort()[0] ?? new Date().toISOString();
  const record: PassRecord = {
    kind: 'sagemaker-templates/conformance-pass',
    template: args.template,
    contentTag: args.contentTag,
    suite: { version: SUITE_VERSION, key: args.suiteKey },
    passedAt,
    recordedBy: recordedHere(),
    reports: args.passes.map((p) => ({ platform: p.platform ?? 'linux/amd64', report: p.report })),
  };
  try {
    const saved = await recordPassFor(store, args.contentTag, record);
    log(
      `recorded the pass in the registry: ${store.registry}/${store.repository}@${saved.digest.slice(0, 19)} refers to ${saved.subject.slice(0, 19)} (${saved.indexing === 'referrers-api' ? 'referrers API' : 'referrers tag schema'})`,
    );
  } catch (error) {
    // The image is pushed and tagged; a missing record only means the next runner checks again.
    log(
      `warning: could not record the pass in the registry (${(error as Error).message}); other machines will run the suite again for this image.`,
    );
  }
}
