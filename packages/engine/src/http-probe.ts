import { request } from 'node:http';

/** The answer to one probe request. */
export interface ProbeResponse {
  status: number;
  body: string;
}

/** One HTTP request on a fresh connection (no keep-alive, so no socket outlives the container); rejects on timeout. */
export function httpProbe(
  url: string,
  {
    method = 'GET',
    timeoutMs = 2_000,
    body,
  }: { method?: string; timeoutMs?: number; body?: string } = {},
): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      ),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A short description of a failed probe for messages: the error code or message. */
export function describeProbeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code} (${message})` : message;
}
