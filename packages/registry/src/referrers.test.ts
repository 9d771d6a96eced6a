import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DistributionClient, type OciDescriptor } from './distribution-client.ts';
import { attachArtifact, listReferrers, readArtifactBlob, referrersTag } from './referrers.ts';

// The registries on this machine (Debian's docker-registry) have no referrers API, so the e2e test
// (pass-record.e2e.test.ts) covers the tag schema; this in-memory registry speaks the API as ECR
// and distribution 3 with referrers do: OCI-Subject on PUT, GET /v2/<name>/referrers/<digest>.
interface Parsed {
  subject?: { digest: string };
  artifactType?: string;
  annotations?: Record<string, string>;
}

function referrersRegistry(withApi: boolean) {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { type: string; body: Buffer }>();
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const paths: string[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const { pathname, searchParams } = new URL(url);
    paths.push(`${init.method} ${pathname}`);
    const body = init.body ? Buffer.from(init.body as Uint8Array) : Buffer.alloc(0);
    const [, , kind, reference] = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/(.*)$/.exec(
      pathname,
    ) ?? [pathname, '', '', 'uploads', ''];
    if (kind === 'uploads' || reference?.startsWith('uploads/'))
      return init.method === 'POST'
        ? new Response(null, { status: 202, headers: { location: '/v2/x/blobs/uploads/1' } })
        : (blobs.set(searchParams.get('digest') ?? '', body), new Response(null, { status: 201 }));
    if (kind === 'blobs') {
      const blob = blobs.get(reference ?? '');
      return blob
        ? new Response(init.method === 'HEAD' ? null : blob)
        : new Response(null, { status: 404 });
    }
    if (kind === 'referrers') {
      if (!withApi) return new Response('404 page not found', { status: 404 });
      const found = [...manifests.values()]
        .map((m) => ({ m, parsed: JSON.parse(m.body.toString()) as Parsed }))
        .filter(({ parsed }) => parsed.subject?.digest === reference)
        .map(({ m, parsed }) => ({
          mediaType: m.type,
          digest: sha(m.body),
          size: m.body.length,
          artifactType: parsed.artifactType,
          annotations: parsed.annotations,
        }));
      return new Response(JSON.stringify({ schemaVersion: 2, manifests: found }));
    }
    if (init.method === 'PUT') {
      const entry = { type: (init.headers as Record<string, string>)['content-type'] ?? '', body };
      manifests.set(reference ?? '', entry);
      manifests.set(sha(body), entry);
      const subject = JSON.parse(body.toString()) as { subject?: { digest: string } };
      const headers: Record<string, string> = { 'docker-content-digest': sha(body) };
      if (withApi && subject.subject) headers['oci-subject'] = subject.subject.digest;
      return new Response(null, { status: 201, headers });
    }
    const found = manifests.get(reference ?? '');
    if (!found) return new Response(null, { status: 404 });
    const headers = { 'content-type': found.type, 'docker-content-digest': sha(found.body) };
    return new Response(init.method === 'HEAD' ? null : found.body, { headers });
  }) as unknown as typeof globalThis.fetch;
  const client = new DistributionClient({ registry: '127.0.0.1:1', fetch });
  return { client, manifests, paths };
}

const image = Buffer.from(
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}',
);
const subject = {
  digest: `sha256:${createHash('sha256').update(image).digest('hex')}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: image.length,
};
const artifact = (n: number) => ({
  artifactType: 'application/vnd.example.record.v1+json',
  blob: Buffer.from(`{"n":${n}}`),
  annotations: { 'org.opencontainers.image.created': `2026-12-0${n}T00:00:00Z` },
});

describe('referrers', () => {
  it('a registry with the referrers API indexes the artifact itself: no tag-schema index is written', async () => {
    const { client, manifests } = referrersRegistry(true);
    const pushed = await attachArtifact(client, 'team/algo', subject, artifact(1));
    expect(pushed.indexing).toBe('referrers-api');
    expect(manifests.has(referrersTag(subject.digest))).toBe(false);
    const listed = await listReferrers(
      client,
      'team/algo',
      subject.digest,
      artifact(1).artifactType,
    );
    expect(listed.map((d: OciDescriptor) => d.digest)).toEqual([pushed.digest]);
    expect(listed[0]?.annotations).toEqual(artifact(1).annotations);
    expect((await readArtifactBlob(client, 'team/algo', pushed.digest)).toString()).toBe('{"n":1}');
  });

  it('without the API, keeps the sha256-<hex> index: each artifact once, other types filtered out', async () => {
    const { client, manifests } = referrersRegistry(false);
    const first = await attachArtifact(client, 'team/algo', subject, artifact(1));
    await attachArtifact(client, 'team/algo', subject, artifact(1));
    const second = await attachArtifact(client, 'team/algo', subject, artifact(2));
    await attachArtifact(client, 'team/algo', subject, {
      ...artifact(3),
      artifactType: 'other/type',
    });
    expect(first.indexing).toBe('tag-schema');
    const index = manifests.get(`sha256-${subject.digest.slice(7)}`);
    expect(JSON.parse(index?.body.toString() ?? '{}').manifests).toHaveLength(3);
    const listed = await listReferrers(
      client,
      'team/algo',
      subject.digest,
      artifact(1).artifactType,
    );
    expect(listed.map((d) => d.digest)).toEqual([first.digest, second.digest]);
  });

  it('nothing refers to an image: an empty list, both ways', async () => {
    for (const api of [true, false]) {
      const { client } = referrersRegistry(api);
      expect(await listReferrers(client, 'team/algo', subject.digest, 'x/y')).toEqual([]);
    }
  });
});
