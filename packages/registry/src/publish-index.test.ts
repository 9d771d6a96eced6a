import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DistributionClient, ManifestWithBody } from './distribution-client.ts';
import {
  DOCKER_MANIFEST_LIST,
  indexOf,
  OCI_INDEX,
  pushIndex,
  type IndexPublish,
  type PlatformImage,
} from './publish-index.ts';
import type { PushedImage } from './push-image.ts';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const sha = (body: Buffer) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

/** A registry in memory: manifests by digest and tag, blobs by digest. */
class MemoryRegistry {
  manifests = new Map<string, ManifestWithBody>();
  blobs = new Map<string, Buffer>();

  /** An image whose config says `architecture`, put under `tag`. */
  image(tag: string, architecture: string): ManifestWithBody {
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture }));
    this.blobs.set(sha(config), config);
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { digest: sha(config) },
      }),
    );
    const manifest = { digest: sha(body), mediaType: DOCKER_MANIFEST, size: body.length, body };
    this.manifests.set(tag, manifest).set(manifest.digest, manifest);
    return manifest;
  }

  client(): DistributionClient {
    const find = (reference: string) => this.manifests.get(reference);
    return {
      headManifest: async (_name: string, reference: string) => find(reference),
      getManifest: async (_name: string, reference: string) => {
        const found = find(reference);
        if (!found) throw new Error(`no ${reference}`);
        return found;
      },
      putManifest: async (_name: string, tag: string, manifest: ManifestWithBody) => {
        this.manifests.set(tag, manifest).set(manifest.digest, manifest);
        return manifest.digest;
      },
      getBlob: async (_name: string, digest: string) => this.blobs.get(digest) ?? Buffer.alloc(0),
    } as unknown as DistributionClient;
  }
}

const images: PlatformImage[] = [
  { platform: 'linux/amd64', image: 'sagemaker-templates/x:aaa', contentTag: 'aaa' },
  { platform: 'linux/arm64', image: 'sagemaker-templates/x:bbb', contentTag: 'bbb' },
];

function publish(registry: MemoryRegistry, architectures: Record<string, string>) {
  const pushed: string[] = [];
  const run: IndexPublish = {
    client: registry.client(),
    name: 'x',
    registry: '127.0.0.1:5000',
    untouched: 'Nothing was tagged.',
    log: () => {},
    retrying: (_what, operation) => operation(),
    pushOne: async (image, tag): Promise<PushedImage> => {
      pushed.push(tag);
      const manifest = registry.image(tag, architectures[tag] ?? 'amd64');
      const layers = { pushed: 2, existed: 1, mounted: 0 };
      return { reference: `${image}`, digest: manifest.digest, layers, bytesUploaded: 100 };
    },
  };
  return { run, pushed };
}

describe('an image index of several platforms', () => {
  it('pushes each platform under its tag, then an index that lists each with its platform', async () => {
    const registry = new MemoryRegistry();
    const { run, pushed } = publish(registry, { aaa: 'amd64', bbb: 'arm64' });
    const result = await pushIndex(run, images, 'ccc');
    expect(pushed).toEqual(['aaa', 'bbb']);
    const served = registry.manifests.get('ccc');
    expect(served?.digest).toBe(result.digest);
    expect(served?.mediaType).toBe(DOCKER_MANIFEST_LIST);
    const listed = JSON.parse(served?.body.toString() ?? '{}');
    expect(listed.manifests.map((m: { digest: string; platform: object }) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ]);
    expect(listed.manifests[1].digest).toBe(registry.manifests.get('bbb')?.digest);
    expect(result.push.layers).toEqual({ pushed: 4, existed: 2, mounted: 0 });
    expect(result.platforms.map((p) => p.status)).toEqual(['pushed', 'pushed']);
  });

  it('does not upload a platform whose tag is there already', async () => {
    const registry = new MemoryRegistry();
    registry.image('aaa', 'amd64');
    const { run, pushed } = publish(registry, { bbb: 'arm64' });
    const result = await pushIndex(run, images, 'ccc');
    expect(pushed).toEqual(['bbb']);
    expect(result.platforms.map((p) => p.status)).toEqual(['up-to-date', 'pushed']);
  });

  it('refuses an image whose config names another architecture than its platform', async () => {
    const registry = new MemoryRegistry();
    const { run } = publish(registry, { aaa: 'amd64', bbb: 'amd64' });
    await expect(pushIndex(run, images, 'ccc')).rejects.toThrow(
      /sagemaker-templates\/x:bbb, pushed for linux\/arm64 as x@sha256:[0-9a-f]+, is linux\/amd64 by its config\. Rebuild it with nx run <template>:build --platform linux\/arm64\. Nothing was tagged\./,
    );
    expect(registry.manifests.has('ccc')).toBe(false);
  });

  it('fails when the registry serves other bytes under the index tag than were put there', async () => {
    const registry = new MemoryRegistry();
    const { run } = publish(registry, { aaa: 'amd64', bbb: 'arm64' });
    const original = registry.client();
    run.client = {
      ...original,
      headManifest: original.headManifest,
      getBlob: original.getBlob,
      putManifest: original.putManifest,
      getManifest: async (name: string, reference: string) => {
        const found = await original.getManifest(name, reference);
        if (reference !== 'ccc') return found;
        const body = Buffer.from(`${found.body.toString()}\n`);
        return { ...found, body, digest: sha(body) };
      },
    } as DistributionClient;
    await expect(pushIndex(run, images, 'ccc')).rejects.toThrow(
      /The registry serves sha256:[0-9a-f]+ .* under x:ccc, not the index sha256:[0-9a-f]+ that was put there\. Nothing was tagged\./,
    );
  });

  it('is an OCI index when an entry is an OCI manifest', () => {
    const oci = 'application/vnd.oci.image.manifest.v1+json';
    const index = indexOf([
      { platform: 'linux/amd64', mediaType: oci, digest: 'sha256:a', size: 1 },
      { platform: 'linux/arm64', mediaType: DOCKER_MANIFEST, digest: 'sha256:b', size: 2 },
    ]);
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.digest).toBe(sha(index.body));
    expect(JSON.parse(index.body.toString()).mediaType).toBe(OCI_INDEX);
  });
});
