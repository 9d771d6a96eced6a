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

/** "200" or "no answer (reason)" for messages. */
export function describeStatus(x: HttpExchange): string {
  return x.status === 0 ? `no answer (${x.body})` : `HTTP ${x.status}`;
}

/** First 200 characters of a body, on one line, for messages. */
export function excerpt(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
