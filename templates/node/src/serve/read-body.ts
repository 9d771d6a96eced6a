import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

export function payloadTooLarge(limitBytes: number, got: string): HttpError {
  return new HttpError(
    413,
    'payload_too_large',
    `The request body is ${got}, over the limit of ${limitBytes} bytes (${formatMb(limitBytes)} MB). Send fewer rows per request, or raise SAGEMAKER_MAX_PAYLOAD_IN_MB (batch transform: MaxPayloadInMB).`,
  );
}

/**
 * Collects a request body up to `limitBytes`. A declared Content-Length over the limit is refused
 * before reading; a streamed body is refused as soon as it passes the limit, without buffering
 * the rest (Node discards the remainder once the 413 is sent).
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(payloadTooLarge(limitBytes, `${declared} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        reject(payloadTooLarge(limitBytes, `more than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

function formatMb(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 100) / 100);
}
