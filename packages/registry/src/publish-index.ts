import { createHash } from 'node:crypto';
import { architectureOf, type Platform } from '@sagemaker-templates/contract';
import type { ManifestWithBody } from './distribution-client.ts';
import type { PublishRun } from './publish-image.ts';
import { PushError } from './push-error.ts';
import type { PushedImage } from './push-image.ts';

/** One platform's local image and the tag it goes under (its own content hash). */
export interface PlatformImage {
  platform: Platform;
  /** The local image: its content-hash tag or id. */
  image: string;
  contentTag: string;
}

/** Where one platform's image went. */
export interface PublishedPlatform {
  platform: Platform;
  tag: string;
  digest: string;
  /** `up-to-date`: its tag was there already and nothing was uploaded. */
  status: 'pushed' | 'up-to-date';
}

/** What pushing an index needs of the publish it is part of (see publishImage). */
export type IndexPublish = Pick<
  PublishRun,
  'client' | 'name' | 'registry' | 'untouched' | 'log' | 'retrying'
> & {
  /** Pushes a local image under a tag and checks the registry serves the pushed digest. */
  pushOne: (image: string, tag: string) => Promise<PushedImage>;
};

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/**
 * Pushes each platform's image under its own content tag (skipped when there), checks that each
 * one's config names the platform it stands for, then puts an image index listing them all under
 * `contentTag` and reads it back: the same bytes, the same entries. Only then may tags move to it.
 */
export async function pushIndex(
  run: IndexPublish,
  images: PlatformImage[],
  contentTag: string,
): Promise<{ digest: string; push: PushedImage; platforms: PublishedPlatform[] }> {
  const children: { image: PlatformImage; manifest: ManifestWithBody; pushed?: PushedImage }[] = [];
  for (const image of images) {
    const there = await run.retrying(`HEAD ${run.name}:${image.contentTag}`, () =>
      run.client.headManifest(run.name, image.contentTag),
    );
    const pushed = there ? undefined : await run.pushOne(image.image, image.contentTag);
    if (there) run.log(`${image.platform}: ${run.name}:${image.contentTag} is already there`);
    const digest = pushed?.digest ?? there?.digest ?? '';
    const manifest = await verifyPlatform(run, image, digest);
    children.push({ image, manifest, ...(pushed ? { pushed } : {}) });
  }
  const index = indexOf(children.map((c) => ({ platform: c.image.platform, ...c.manifest })));
  await run.retrying(`PUT ${run.name}:${contentTag}`, () =>
    run.client.putManifest(run.name, contentTag, index),
  );
  await verifyIndex(run, contentTag, index);
  run.log(
    `verified: ${run.registry} serves the index ${index.digest} of ${images.map((i) => i.platform).join(', ')} under ${run.name}:${contentTag}`,
  );
  return {
    digest: index.digest,
    push: totalPush(`${run.registry}/${run.name}:${contentTag}`, index.digest, children),
    platforms: children.map(({ image, manifest, pushed }) => ({
      platform: image.platform,
      tag: image.contentTag,
      digest: manifest.digest,
      status: pushed ? 'pushed' : 'up-to-date',
    })),
  };
}

/** The pushed manifest, once its config is read back and names the platform it is pushed for. */
async function verifyPlatform(
  run: IndexPublish,
  image: PlatformImage,
  digest: string,
): Promise<ManifestWithBody> {
  const { client, name, retrying } = run;
  const manifest = await retrying(`GET ${name}@${digest}`, () => client.getManifest(name, digest));
  const configDigest = (
    JSON.parse(manifest.body.toString('utf8')) as { config?: { digest?: string } }
  ).config?.digest;
  if (!configDigest)
    throw new PushError(
      `${name}@${digest}, pushed for ${image.platform}, is not a single image's manifest (no config). ${run.untouched}`,
    );
  const config = await retrying(`GET blob ${configDigest}`, () =>
    client.getBlob(name, configDigest),
  );
  const { os, architecture } = JSON.parse(config.toString('utf8')) as {
    os?: string;
    architecture?: string;
  };
  if (os !== 'linux' || architecture !== architectureOf(image.platform))
    throw new PushError(
      `${image.image}, pushed for ${image.platform} as ${name}@${digest}, is ${os}/${architecture} by its config. Rebuild it with nx run <template>:build --platform ${image.platform}. ${run.untouched}`,
    );
  return manifest;
}

/**
 * The index of `entries` (each a manifest with its platform) as exact bytes: a Docker manifest list
 * when every entry is a Docker manifest (what this engine pushes), else an OCI image index.
 */
export function indexOf(
  entries: { platform: Platform; mediaType: string; digest: string; size: number }[],
): ManifestWithBody {
  const mediaType = entries.every((e) => e.mediaType === DOCKER_MANIFEST)
    ? DOCKER_MANIFEST_LIST
    : OCI_INDEX;
  const manifests = entries.map((e) => ({
    mediaType: e.mediaType,
    digest: e.digest,
    size: e.size,
    platform: { architecture: architectureOf(e.platform), os: 'linux' },
  }));
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 2));
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  return { digest, mediaType, size: body.length, body };
}

/** Reads the index back under its tag: it must be the bytes that were put. */
async function verifyIndex(
  run: IndexPublish,
  contentTag: string,
  index: ManifestWithBody,
): Promise<void> {
  const served = await run.retrying(`GET ${run.name}:${contentTag}`, () =>
    run.client.getManifest(run.name, contentTag),
  );
  if (served.digest !== index.digest || !served.body.equals(index.body))
    throw new PushError(
      `The registry serves ${served.digest} (${served.mediaType}) under ${run.name}:${contentTag}, not the index ${index.digest} that was put there. ${run.untouched}`,
    );
}

/** The platforms' uploads added up, under the index's reference and digest. */
function totalPush(
  reference: string,
  digest: string,
  children: { pushed?: PushedImage }[],
): PushedImage {
  const layers = { pushed: 0, existed: 0, mounted: 0 };
  let bytesUploaded = 0;
  for (const { pushed } of children) {
    if (!pushed) continue;
    layers.pushed += pushed.layers.pushed;
    layers.existed += pushed.layers.existed;
    layers.mounted += pushed.layers.mounted;
    bytesUploaded += pushed.bytesUploaded;
  }
  return { reference, digest, layers, bytesUploaded };
}
