import { createHash } from 'node:crypto';
import { isLoopbackHost } from './ecr-host.ts';

/** Manifest media types asked for, most specific first (ECR and distribution serve all four). */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

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
    const response = await this.request('PUT', repository, tag, {
      'content-type': manifest.mediaType,
      body: manifest.body,
    });
    if (!response.ok) throw await this.failure('PUT', repository, tag, response);
    await response.arrayBuffer().catch(() => undefined);
    return response.headers.get('docker-content-digest') ?? manifest.digest;
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
    method: 'HEAD' | 'GET' | 'PUT',
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
    kind: 'manifests' | 'blobs' = 'manifests',
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
