import type { EcrConnection } from './connect-ecr.ts';
import { DistributionClient, type RemoteManifest } from './distribution-client.ts';
import {
  findPassRecord,
  pushPassRecord,
  type FoundPassRecord,
  type PassRecord,
  type PassRecordWanted,
} from './pass-record.ts';
import type { ReferrerIndexing } from './referrers.ts';
import { getRegistryAuth } from './registry-auth.ts';

/** One repository's images and the pass records that refer to them. */
export interface PassRecordStore {
  client: DistributionClient;
  /** The host reached (ECR's, or the one pushed through). */
  registry: string;
  repository: string;
}

/**
 * A store for `repository` of the ECR registry of `accountId` (default: the credentials' own),
 * reached through `registry` when given (a mirror, a test registry), as a push reaches it.
 */
export async function openPassRecordStore(
  ecr: EcrConnection,
  options: { repository: string; accountId?: string; registry?: string; fetch?: typeof fetch },
): Promise<PassRecordStore> {
  const auth = await getRegistryAuth(ecr, {
    ...(options.accountId ? { accountId: options.accountId } : {}),
  });
  const registry = options.registry ?? auth.registry;
  const client = new DistributionClient({
    registry,
    auth,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { client, registry, repository: options.repository };
}

/** What the registry holds under a tag or digest, and its current pass record or why there is none. */
export interface PassRecordLookup {
  /** Undefined when the registry does not have the image. */
  image?: RemoteManifest;
  found?: FoundPassRecord;
  /** Why no record counts (no image, none recorded, expired, another suite). */
  missing?: string;
}

export async function lookupPassRecord(
  store: PassRecordStore,
  reference: string,
  wanted: PassRecordWanted,
): Promise<PassRecordLookup> {
  const { client, repository } = store;
  const image = await client.headManifest(repository, reference);
  if (!image) return { missing: `${store.registry}/${repository} has no image under ${reference}` };
  const answer = await findPassRecord(client, repository, image.digest, wanted);
  return 'found' in answer ? { image, found: answer.found } : { image, missing: answer.missing };
}

/** Records a pass of the image under `reference` (which must be in the registry). */
export async function recordPassFor(
  store: PassRecordStore,
  reference: string,
  record: PassRecord,
): Promise<{ digest: string; subject: string; indexing: ReferrerIndexing }> {
  const { client, repository } = store;
  const image = await client.headManifest(repository, reference);
  if (!image)
    throw new Error(
      `${store.registry}/${repository}:${reference} is not in the registry; a pass record needs the image it refers to.`,
    );
  const pushed = await pushPassRecord(client, repository, image, record);
  return { ...pushed, subject: image.digest };
}
