import { basename, join } from 'node:path';
import { loadManifest } from '@sagemaker-templates/contract';
import { connectEcr, openPassRecordStore, redactor } from '@sagemaker-templates/registry';
import type { BuiltTemplate } from './build-template.ts';
import type { ConformanceOptions } from './conformance-target.ts';
import { declaredPlatforms } from './build-template.ts';
import { resolvePushPlan } from './push-plan.ts';
import { publishedImages } from './push-template.ts';
import { lookupTemplatePass, registryPassLine } from './registry-passes.ts';

/** A current pass record from the registry, as the conformance target relies on it. */
export interface RegistryPass {
  passedAt: string;
  /** "passed at … by … (pass record …)", for the CONFORMS line. */
  line: string;
  /** `<registry>/<repository>@<digest>` of the record, kept in the restored report. */
  record: string;
  reports: { platform: string; report: unknown }[];
}

/**
 * The registry's current pass record of the image that a push of these builds would publish (same
 * content tag, so same inputs), when the registry can be asked: records enabled, an AWS region set
 * without asking the SDK's chain (which may wait on an instance metadata service), and every
 * platform built (one platform of several names a different tag). Anything that goes wrong is a
 * note, never a failure: the suite then simply runs.
 */
export async function registryPassFor(
  root: string,
  builds: BuiltTemplate[],
  args: { options: ConformanceOptions; env: NodeJS.ProcessEnv; key: string; maxAgeMs: number },
): Promise<RegistryPass | undefined> {
  const { options, env } = args;
  if (options['registry-records'] === false || env.SAGEMAKER_TEMPLATES_REGISTRY_RECORDS === 'false')
    return undefined;
  try {
    const manifestPath = join(root, 'template.json');
    const manifest = await loadManifest(manifestPath);
    const plan = resolvePushPlan({
      name: basename(root),
      manifestPath,
      manifest,
      options: {},
      env,
    });
    const region = plan.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) return undefined;
    if (builds.length !== (await declaredPlatforms(root)).length) return undefined;
    const ecr = await connectEcr({ region, env });
    try {
      const store = await openPassRecordStore(ecr, {
        repository: plan.repository.name,
        ...(plan.repository.accountId ? { accountId: plan.repository.accountId } : {}),
        ...(plan.registry ? { registry: plan.registry } : {}),
      });
      const { contentTag } = publishedImages(builds);
      const lookup = await lookupTemplatePass(store, contentTag, args.key, args.maxAgeMs);
      if (!lookup.found) return undefined;
      const record = `${store.registry}/${store.repository}@${lookup.found.digest}`;
      const { passedAt, reports } = lookup.found.record;
      return { passedAt, line: registryPassLine(store, lookup), record, reports };
    } finally {
      ecr.client.destroy();
    }
  } catch (error) {
    console.log(
      redactor.redact(
        `note: pass records in the registry were not consulted (${(error as Error).message.split('\n')[0]}); the suite runs here.`,
      ),
    );
    return undefined;
  }
}
