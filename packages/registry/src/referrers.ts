import { createHash } from 'node:crypto';
import {
  OCI_INDEX_MEDIA_TYPE,
  parseIndex,
  type DistributionClient,
  type OciDescriptor,
  type OciIndex,
  type RemoteManifest,
} from './distribution-client.ts';

const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

/** The OCI empty descriptor's content: an artifact without a config uses `{}` (image-spec 1.1). */
const EMPTY_CONFIG = Buffer.from('{}');
const EMPTY_CONFIG_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

/** A small artifact that refers to another manifest (its subject). */
export interface Artifact {
  artifactType: string;
  /** The one layer's bytes, of media type artifactType. */
  blob: Buffer;
  /** On the manifest, so that a referrers listing carries them without a fetch per artifact. */
  annotations: Record<string, string>;
}

/** How a referrer was made findable: by the registry itself, or by the tag schema's index. */
export type ReferrerIndexing = 'referrers-api' | 'tag-schema';

/**
 * The tag under which a registry without the referrers API keeps the index of `digest`'s
 * referrers: `<algorithm>-<hex>` (OCI distribution spec 1.1, "referrers tag schema").
 */
export const referrersTag = (digest: string) => digest.replace(':', '-').slice(0, 128);

/**
 * Pushes `artifact` as an OCI 1.1 artifact manifest whose `subject` is `subject`. A registry with
 * the referrers API indexes it (it answers OCI-Subject); for one without (Debian's docker-registry,
 * older ECR setups) the descriptor is added to the tag schema's index as the spec asks of clients.
 * Two writers updating that index at the same moment can lose one entry: the next push of the same
 * record adds it again, and a lost record only means the suite runs once more.
 */
export async function attachArtifact(
  client: DistributionClient,
  repository: string,
  subject: RemoteManifest,
  artifact: Artifact,
): Promise<{ digest: string; indexing: ReferrerIndexing }> {
  await client.pushBlob(repository, EMPTY_CONFIG);
  const layer = await client.pushBlob(repository, artifact.blob);
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      artifactType: artifact.artifactType,
      config: { mediaType: EMPTY_CONFIG_MEDIA_TYPE, digest: sha256(EMPTY_CONFIG), size: 2 },
      layers: [{ mediaType: artifact.artifactType, digest: layer, size: artifact.blob.length }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: artifact.annotations,
    }),
  );
  const manifest = { digest: sha256(body), mediaType: OCI_MANIFEST_MEDIA_TYPE, size: body.length };
  const answer = await client.putManifestAnswer(repository, manifest.digest, { ...manifest, body });
  if (answer.subject) return { digest: manifest.digest, indexing: 'referrers-api' };
  await addToTagSchemaIndex(client, repository, subject.digest, {
    ...manifest,
    artifactType: artifact.artifactType,
    annotations: artifact.annotations,
  });
  return { digest: manifest.digest, indexing: 'tag-schema' };
}

/** Adds `descriptor` to the referrers index under the subject's tag-schema tag (made if missing). */
async function addToTagSchemaIndex(
  client: DistributionClient,
  repository: string,
  subjectDigest: string,
  descriptor: OciDescriptor,
): Promise<void> {
  const index = (await readTagSchemaIndex(client, repository, subjectDigest)) ?? {
    schemaVersion: 2,
    mediaType: OCI_INDEX_MEDIA_TYPE,
    manifests: [],
  };
  if (index.manifests.some((m) => m.digest === descriptor.digest)) return;
  index.manifests.push(descriptor);
  const body = Buffer.from(JSON.stringify(index));
  await client.putManifest(repository, referrersTag(subjectDigest), {
    digest: sha256(body),
    mediaType: OCI_INDEX_MEDIA_TYPE,
    size: body.length,
    body,
  });
}

async function readTagSchemaIndex(
  client: DistributionClient,
  repository: string,
  subjectDigest: string,
): Promise<OciIndex | undefined> {
  const tag = referrersTag(subjectDigest);
  if (!(await client.headManifest(repository, tag))) return undefined;
  const manifest = await client.getManifest(repository, tag);
  return parseIndex(manifest.body.toString('utf8'), `${client.registry}/${repository}:${tag}`);
}

/**
 * The referrers of `subjectDigest` of this artifact type: from the referrers API where the registry
 * has one, else from the tag schema's index.
 */
export async function listReferrers(
  client: DistributionClient,
  repository: string,
  subjectDigest: string,
  artifactType: string,
): Promise<OciDescriptor[]> {
  const index =
    (await client.getReferrers(repository, subjectDigest, artifactType)) ??
    (await readTagSchemaIndex(client, repository, subjectDigest));
  // A registry may ignore the artifactType filter (the spec allows it): filter here too.
  return (index?.manifests ?? []).filter((m) => m.artifactType === artifactType);
}

/** The one layer of an artifact manifest, as bytes checked against its digest. */
export async function readArtifactBlob(
  client: DistributionClient,
  repository: string,
  manifestDigest: string,
): Promise<Buffer> {
  const manifest = await client.getManifest(repository, manifestDigest);
  const parsed = JSON.parse(manifest.body.toString('utf8')) as { layers?: OciDescriptor[] };
  const [layer] = parsed.layers ?? [];
  if (!layer)
    throw new Error(
      `${client.registry}/${repository}@${manifestDigest} is an artifact without a layer.`,
    );
  return client.getBlob(repository, layer.digest);
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
