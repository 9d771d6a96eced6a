import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DistributionClient, RegistryRequestError } from './distribution-client.ts';

const body = Buffer.from('{"schemaVersion":2}');
const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
const manifestType = 'application/vnd.docker.distribution.manifest.v2+json';

function fakeFetch(handler: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return handler(url, init);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('DistributionClient', () => {
  it('reads the digest from HEAD with basic auth and every manifest type in Accept, http for loopback', async () => {
    const { fetch, calls } = fakeFetch(
      () =>
        new Response(null, {
          status: 200,
          headers: {
            'docker-content-digest': digest,
            'content-type': manifestType,
            'content-length': '19',
          },
        }),
    );
    const client = new DistributionClient({
      registry: '127.0.0.1:5000',
      auth: { username: 'AWS', password: 'pw' },
      fetch,
    });
    expect(await client.headManifest('team/algo', 'abc')).toEqual({
      digest,
      mediaType: manifestType,
      size: 19,
    });
    expect(calls[0]?.url).toBe('http://127.0.0.1:5000/v2/team/algo/manifests/abc');
    const headers = calls[0]?.init.headers as Record<string, string>;
    expect(headers.authorization).toBe(`Basic ${Buffer.from('AWS:pw').toString('base64')}`);
    expect(headers.accept).toContain('application/vnd.oci.image.manifest.v1+json');
    expect(headers.accept).toContain(manifestType);
    expect(new DistributionClient({ registry: '1.dkr.ecr.eu-west-1.amazonaws.com' }).baseUrl).toBe(
      'https://1.dkr.ecr.eu-west-1.amazonaws.com',
    );
  });

  it('answers undefined for a missing tag, and hashes the body when HEAD has no digest', async () => {
    const missing = new DistributionClient({
      registry: 'r',
      fetch: fakeFetch(() => new Response(null, { status: 404 })).fetch,
    });
    expect(await missing.headManifest('a', 'b')).toBeUndefined();
    const noDigest = new DistributionClient({
      registry: 'r',
      fetch: fakeFetch((_url, init) =>
        init.method === 'HEAD'
          ? new Response(null, { status: 200 })
          : new Response(body, { status: 200, headers: { 'content-type': manifestType } }),
      ).fetch,
    });
    expect((await noDigest.headManifest('a', 'b'))?.digest).toBe(digest);
  });

  it('refuses a manifest whose bytes do not hash to the digest asked for', async () => {
    const client = new DistributionClient({
      registry: 'r',
      fetch: fakeFetch(() => new Response('{"other":1}', { status: 200 })).fetch,
    });
    await expect(client.getManifest('a', digest)).rejects.toThrow(/altered it; nothing was tagged/);
  });

  it('puts the exact bytes with their media type', async () => {
    const { fetch, calls } = fakeFetch(
      () => new Response(null, { status: 201, headers: { 'docker-content-digest': digest } }),
    );
    const client = new DistributionClient({ registry: 'r', fetch });
    expect(
      await client.putManifest('a', '1.0.0', {
        digest,
        mediaType: manifestType,
        size: body.length,
        body,
      }),
    ).toBe(digest);
    expect(calls[0]?.init.method).toBe('PUT');
    expect((calls[0]?.init.headers as Record<string, string>)['content-type']).toBe(manifestType);
    expect(calls[0]?.init.body).toBe(body);
  });

  it('turns error answers and no answer into RegistryRequestError, retryable for 5xx, 429 and no answer', async () => {
    const denied = new DistributionClient({
      registry: 'r',
      fetch: fakeFetch(
        () =>
          new Response(
            JSON.stringify({
              errors: [{ code: 'DENIED', message: 'not authorized to perform: ecr:PutImage' }],
            }),
            { status: 403, statusText: 'Forbidden' },
          ),
      ).fetch,
    });
    const error = (await denied
      .putManifest('a', 't', { digest, mediaType: manifestType, size: 1, body })
      .catch((e: unknown) => e)) as RegistryRequestError;
    expect(error.status).toBe(403);
    expect(error.code).toBe('DENIED');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(
      'answered 403 Forbidden (DENIED: not authorized to perform: ecr:PutImage)',
    );
    const down = new DistributionClient({
      registry: 'r',
      fetch: (async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      }) as unknown as typeof fetch,
    });
    const refused = (await down
      .headManifest('a', 'b')
      .catch((e: unknown) => e)) as RegistryRequestError;
    expect(refused.retryable).toBe(true);
    expect(refused.message).toBe('HEAD https://r/v2/a/manifests/b got no answer (ECONNREFUSED).');
    expect(new RegistryRequestError('x', 503, undefined).retryable).toBe(true);
    expect(new RegistryRequestError('x', 429, undefined).retryable).toBe(true);
  });
});
