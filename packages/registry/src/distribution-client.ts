import { createHash } from 'node:crypto';
import { isLoopbackHost } from './ecr-host.ts';

/** Manifest media types asked for, most specific first (ECR and distribution serve all four). */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';

/** An OCI content descriptor, as manifests, indexes and the referrers API list them. */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** An OCI image index: what the referrers API answers and the tag schema stores. */
export interface OciIndex {
  schemaVersion: 2;
  mediaType: typeof OCI_INDEX_MEDIA_TYPE;
  manifests: OciDescriptor[];
}

/** An image index from a registry's answer; one that is not an index is named with its URL. */
export function parseIndex(text: string, where: string): OciIndex {
  let parsed: { manifests?: unknown };
  try {
    parsed = JSON.parse(text) as { manifests?: unknown };
  } catch {
    throw new RegistryRequestError(`${where} answered something that is not JSON.`, 200, undefined);
  }
  if (!Array.isArray(parsed.manifests))
    throw new RegistryRequestError(
      `${where} answered JSON that is not an image index.`,
      200,
      undefined,
    );
  return {
    schemaVersion: 2,
    mediaType: OCI_INDEX_MEDIA_TYPE,
    manifests: parsed.manifests as OciDescriptor[],
  };
}

/** What the registry says about a manifest. */
export interface RemoteManifest {
  /** `sha256:...` */
  digest: string;
  mediaType: string;
  size: number;
}

/** A manifest with its exact bytes (a tag moves by PUTting these bytes under it). */
export interface ManifestWithBody extends RemoteManifest {
  body: Buffer;
}

/** An answer of the registry that was not the expected one, or no answer at all. */
export class RegistryRequestError extends Error {
  override name = 'RegistryRequestError';
  constructor(
    message: string,
    /** HTTP status; undefined when the registry could not be reached. */
    readonly status: number | undefined,
    /** The distribution error code (`MANIFEST_UNKNOWN`, `DENIED`, `TAG_INVALID`, ...), if any. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth another attempt: no answer, a 5xx, or 429. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

export interface DistributionClientOptions {
  /** `host[:port]` of the registry. */
  registry: string;
  /** Basic credentials (ECR accepts its token this way); none for an open registry. */
  auth?: { username: string; password: string };
  /** Default: http for loopback hosts (as Docker does), https otherwise. */
  scheme?: 'http' | 'https';
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The part of the OCI distribution API a push needs: read a manifest's digest (HEAD), read a
 * manifest (GET) and put a manifest under a tag (PUT). ECR serves the same API, so the code path
 * is the same against ECR and a local registry.
 */
export class DistributionClient {
  readonly registry: string;
  readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: DistributionClientOptions) {
    this.registry = options.registry;
    const scheme = options.scheme ?? (isLoopbackHost(options.registry) ? 'http' : 'https');
    this.baseUrl = `${scheme}://${options.registry}`;
    this.authorization = options.auth
      ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`
      : undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = options.fetch ?? fetch;
  }

  /** The manifest's digest, type and size, or undefined when the tag or digest is not there. */
  async headManifest(repository: string, reference: string): Promise<RemoteManifest | undefined> {
    const response = await this.request('HEAD', repository, reference);
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.failure('HEAD', repository, reference, response);
    const digest = response.headers.get('docker-content-digest');
    // Some registries leave the digest out of HEAD answers: GET and hash the body instead.
    if (!digest) return this.getManifest(repository, reference);
    return {
      digest,
      mediaType: mediaTypeOf(response),
      size: Number(response.headers.get('content-length') ?? 0),
    };
  }

  /** The manifest with its exact bytes; a body that does not hash to a requested digest is refused. */
  async getManifest(repository: string, reference: string): Promise<ManifestWithBody> {
    const response = await this.request('GET', repository, reference);
    if (!response.ok) throw await this.failure('GET', repository, reference, response);
    const body = Buffer.from(await response.arrayBuffer());
    const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (reference.startsWith('sha256:') && computed !== reference) {
      throw new RegistryRequestError(
        `${this.registry}/${repository}@${reference}: the registry sent a manifest whose digest is ${computed}. The registry or a proxy in between altered it; nothing was tagged.`,
        response.status,
        'DIGEST_INVALID',
      );
    }
    return {
      digest: response.headers.get('docker-content-digest') ?? computed,
      mediaType: mediaTypeOf(response),
      size: body.length,
      body,
    };
  }

  /** Puts the manifest's exact bytes under `tag`; answers the digest the registry reports. */
  async putManifest(repository: string, tag: string, manifest: ManifestWithBody): Promise<string> {
    return (await this.putManifestAnswer(repository, tag, manifest)).digest;
  }

  /**
   * putManifest, also answering the OCI-Subject header: a registry with the referrers API names
   * the subject of a manifest that has one; one without it says nothing, and the client keeps the
   * referrers index under the tag schema itself (OCI distribution spec 1.1).
   */
  async putManifestAnswer(
    repository: string,
    reference: string,
    manifest: ManifestWithBody,
  ): Promise<{ digest: string; subject: string | undefined }> {
    const response = await this.request('PUT', repository, reference, {
      'content-type': manifest.mediaType,
      body: manifest.body,
    });
    if (!response.ok) throw await this.failure('PUT', repository, reference, response);
    await response.arrayBuffer().catch(() => undefined);
    return {
      digest: response.headers.get('docker-content-digest') ?? manifest.digest,
      subject: response.headers.get('oci-subject') ?? undefined,
    };
  }

  /**
   * Uploads a small blob in one request (POST for a session, PUT with the digest), unless the
   * registry has it already; answers its digest.
   */
  async pushBlob(repository: string, body: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const blobUrl = `${this.baseUrl}/v2/${repository}/blobs/${digest}`;
    const head = await this.send('HEAD', blobUrl, {});
    if (head.ok) return digest;
    const started = await this.send('POST', `${this.baseUrl}/v2/${repository}/blobs/uploads/`, {});
    const location = started.headers.get('location');
    if (started.status !== 202 || !location)
      throw await this.failure('POST', repository, 'uploads/', started, 'blobs');
    const url = new URL(location, this.baseUrl);
    url.searchParams.set('digest', digest);
    const put = await this.send(
      'PUT',
      url.toString(),
      { 'content-type': 'application/octet-stream' },
      body,
    );
    if (put.status !== 201) throw await this.failure('PUT', repository, digest, put, 'blobs');
    await put.arrayBuffer().catch(() => undefined);
    return digest;
  }

  /**
   * The referrers API's image index for `digest` (filtered by artifactType when the registry can),
   * or undefined when the registry has no referrers API (404 or 405): then the caller reads the
   * tag schema's index instead.
   */
  async getReferrers(
    repository: string,
    digest: string,
    artifactType?: string,
  ): Promise<OciIndex | undefined> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const url = `${this.baseUrl}/v2/${repository}/referrers/${digest}${query}`;
    const response = await this.send('GET', url, { accept: OCI_INDEX_MEDIA_TYPE });
    if (response.status === 404 || response.status === 405) {
      await response.arrayBuffer().catch(() => undefined);
      return undefined;
    }
    if (!response.ok) throw await this.failure('GET', repository, digest, response, 'referrers');
    return parseIndex(await response.text(), url);
  }

  /**
   * A blob's bytes (an image config), checked against its digest. ECR answers with a redirect to
   * S3, which fetch follows without the Authorization header.
   */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const url = `${this.baseUrl}/v2/${repository}/blobs/${digest}`;
    const response = await this.send('GET', url, {});
    if (!response.ok) throw await this.failure('GET', repository, digest, response, 'blobs');
    const body = Buffer.from(await response.arrayBuffer());
    const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (computed !== digest)
      throw new RegistryRequestError(
        `${url}: the registry sent a blob whose digest is ${computed}.`,
        response.status,
        'DIGEST_INVALID',
      );
    return body;
  }

  private async request(
    method: 'HEAD' | 'GET' | 'PUT',
    repository: string,
    reference: string,
    put?: { 'content-type': string; body: Buffer },
  ): Promise<Response> {
    const url = `${this.baseUrl}/v2/${repository}/manifests/${reference}`;
    const headers: Record<string, string> = { accept: MANIFEST_MEDIA_TYPES.join(', ') };
    if (put) headers['content-type'] = put['content-type'];
    return this.send(method, url, headers, put?.body);
  }

  private async send(
    method: 'HEAD' | 'GET' | 'PUT' | 'POST',
    url: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Response> {
    if (this.authorization) headers.authorization = this.authorization;
    try {
      return await this.fetch(url, {
        method,
        headers,
        ...(body ? { body } : {}),
        redirect: 'follow',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new RegistryRequestError(
        `${method} ${url} got no answer (${reason}).`,
        undefined,
        cause?.code,
        { cause: error },
      );
    }
  }

  private async failure(
    method: string,
    repository: string,
    reference: string,
    response: Response,
    kind: 'manifests' | 'blobs' | 'referrers' = 'manifests',
  ): Promise<RegistryRequestError> {
    const text = method === 'HEAD' ? '' : await response.text().catch(() => '');
    let code: string | undefined;
    let detail = text.trim().slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
      code = parsed.errors?.[0]?.code;
      detail =
        parsed.errors?.map((e) => `${e.code ?? ''}: ${e.message ?? ''}`).join('; ') ?? detail;
    } catch {
      // not JSON: keep the text
    }
    const what = `${method} ${this.baseUrl}/v2/${repository}/${kind}/${reference}`;
    return new RegistryRequestError(
      `${what} answered ${response.status} ${response.statusText}${detail ? ` (${detail})` : ''}.`,
      response.status,
      code,
    );
  }
}

function mediaTypeOf(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
}
