/** A single HTTP exchange with the container, timed. Never throws for HTTP statuses. */
export interface HttpExchange {
  status: number;
  contentType: string;
  body: string;
  /** The body's bytes, for judging its encoding (R2); absent for a network error. */
  raw?: Buffer;
  durationMs: number;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
}

/** Performs the request; a network error or timeout becomes status 0 with the reason in `body`. */
export async function exchange(url: string, request: HttpRequest): Promise<HttpExchange> {
  const started = performance.now();
  // AbortSignal.timeout's timer does not keep Node alive, and neither does a socket that docker-proxy
  // accepted for a server that is not listening yet: hold the event loop open for the request.
  const hold = setTimeout(() => {}, request.timeoutMs + 1000);
  try {
    const response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: request.headers ?? {},
      body: request.body ?? null,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: raw.toString('utf8'),
      raw,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string } };
    const reason =
      err.name === 'TimeoutError'
        ? `no answer within ${request.timeoutMs} ms`
        : `${err.cause?.code ?? err.name}: ${err.message}`;
    return {
      status: 0,
      contentType: '',
      body: reason,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(hold);
  }
}

/** "200" or "no answer (reason)" for messages. */
export function describeStatus(x: HttpExchange): string {
  return x.status === 0 ? `no answer (${x.body})` : `HTTP ${x.status}`;
}

/** First 200 characters of a body, on one line, for messages. */
export function excerpt(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
