/** A single HTTP exchange with a container, timed. Never throws for HTTP statuses. */
export interface HttpExchange {
  /** The status, or 0 when no answer came (refused, reset, timed out): the reason is in `body`. */
  status: number;
  contentType: string;
  body: string;
  /** The body's bytes, for judging its encoding; absent when no answer came. */
  raw?: Buffer;
  durationMs: number;
}

export interface HttpRequest {
  method?: 'GET' | 'HEAD' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
}

/**
 * The engine's one HTTP client for talking to containers: performs the request and turns a network
 * error or timeout into status 0 with the reason in `body`, so waiting and judging never need a
 * try/catch.
 */
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

/** "HTTP 200" or "no answer (reason)" for messages. */
export function describeStatus(x: HttpExchange): string {
  return x.status === 0 ? `no answer (${x.body})` : `HTTP ${x.status}`;
}
