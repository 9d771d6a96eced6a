import type { HttpExchange, HttpRequest } from '../http-exchange.ts';

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
