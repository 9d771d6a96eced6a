import type { IncomingMessage } from 'node:http';
import { MB } from './settings.ts';
import { badRequest, HttpError } from './http-error.ts';

const TRUNCATED =
  'The connection closed before the whole body arrived (fewer bytes than Content-Length, or a broken chunked body). Send the complete body.';

/**
 * How much of an oversized body is read and thrown away before the 413 goes out. A server that
 * answers mid-upload and closes the connection leaves unread bytes behind, the kernel then resets
 * the connection, and the client (which is still sending) may never see the answer. Bodies
 * further over the limit are cut off early anyway, so a huge upload costs little.
 */
export const DRAIN_BYTES = 16 * MB;

export function payloadTooLarge(limitBytes: number, got: string): HttpError {
  return new HttpError(
    413,
    'payload_too_large',
    `The request body is ${got}, over the limit of ${limitBytes} bytes (${formatMb(limitBytes)} MB). Send fewer rows per request, or raise SAGEMAKER_MAX_PAYLOAD_IN_MB (batch transform: MaxPayloadInMB).`,
  );
}

/**
 * A 413 for a declared Content-Length over the limit, known before any byte of the body is read
 * (so before answering `Expect: 100-continue`); undefined when the declared length is fine.
 */
export function declaredTooLarge(req: IncomingMessage, limitBytes: number): HttpError | undefined {
  const declared = Number(req.headers['content-length']);
  return declared > limitBytes ? payloadTooLarge(limitBytes, `${declared} bytes`) : undefined;
}

/**
 * Collects a request body up to `limitBytes`. Past the limit the rest is read and discarded up to
 * DRAIN_BYTES more, then refused with a 413 (see DRAIN_BYTES); a body declared or found to be
 * further over is refused at once, without buffering any of it.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const tooLarge = declaredTooLarge(req, limitBytes);
  if (tooLarge && Number(req.headers['content-length']) > limitBytes + DRAIN_BYTES)
    return Promise.reject(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = (error: HttpError) => {
      req.off('data', onData);
      req.off('end', onEnd);
      chunks.length = 0;
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes + DRAIN_BYTES)
        refuse(tooLarge ?? payloadTooLarge(limitBytes, `more than ${limitBytes} bytes`));
      else if (size <= limitBytes && !tooLarge) chunks.push(chunk);
      else chunks.length = 0;
    };
    const onEnd = () => {
      if (tooLarge || size > limitBytes)
        reject(tooLarge ?? payloadTooLarge(limitBytes, `${size} bytes`));
      else resolve(Buffer.concat(chunks, size));
    };
    // A client that goes away mid-body gets no answer (its socket is gone); the 400 only keeps
    // this out of the log as an internal error with a stack trace.
    const onAbort = () => {
      if (!req.complete) reject(badRequest(TRUNCATED));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

function formatMb(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 100) / 100);
}
