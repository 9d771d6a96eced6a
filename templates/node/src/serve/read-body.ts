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

/** A body read whole (`complete`), or its first bytes with the request paused (see readBodyStart). */
export interface BodyStart {
  bytes: Buffer;
  complete: boolean;
}

/**
 * Collects a request body up to `limitBytes`. Past the limit the rest is read and discarded up to
 * DRAIN_BYTES more, then refused with a 413 (see DRAIN_BYTES); a body declared or found to be
 * further over is refused at once, without buffering any of it. `already`: bytes of this body
 * that readBodyStart read.
 */
export async function readBody(
  req: IncomingMessage,
  limitBytes: number,
  already?: Buffer,
): Promise<Buffer> {
  return (await readBodyStart(req, limitBytes, Infinity, already)).bytes;
}

/**
 * readBody, except that once more than `streamAfterBytes` arrived (within the limit) it stops,
 * pauses the request and resolves with what came so far (`complete: false`): the caller then
 * streams the rest, or hands it back to readBody.
 */
export function readBodyStart(
  req: IncomingMessage,
  limitBytes: number,
  streamAfterBytes: number,
  already?: Buffer,
): Promise<BodyStart> {
  const tooLarge = declaredTooLarge(req, limitBytes);
  if (tooLarge && Number(req.headers['content-length']) > limitBytes + DRAIN_BYTES)
    return Promise.reject(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = already ? [already] : [];
    let size = already?.length ?? 0;
    const stop = () => listeners.forEach(([event, listener]) => req.off(event, listener));
    const refuse = (error: HttpError) => {
      stop();
      chunks.length = 0;
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes + DRAIN_BYTES)
        refuse(tooLarge ?? payloadTooLarge(limitBytes, `more than ${limitBytes} bytes`));
      else if (size <= limitBytes && !tooLarge) {
        chunks.push(chunk);
        if (size > streamAfterBytes) {
          req.pause();
          stop();
          resolve({ bytes: Buffer.concat(chunks, size), complete: false });
        }
      } else chunks.length = 0;
    };
    const onEnd = () => {
      if (tooLarge || size > limitBytes)
        reject(tooLarge ?? payloadTooLarge(limitBytes, `${size} bytes`));
      else resolve({ bytes: Buffer.concat(chunks, size), complete: true });
    };
    // A client gone mid-body gets no answer; the 400 keeps it out of the log as an internal error.
    const onAbort = () => {
      if (!req.complete) reject(badRequest(TRUNCATED));
    };
    const listeners = [
      ['data', onData],
      ['end', onEnd],
      ['error', onAbort],
      ['close', onAbort],
    ] as const;
    for (const [event, listener] of listeners) req.on(event, listener);
    req.resume(); // a request readBodyStart paused does not flow again by itself
  });
}

/** A 400 for a body that ended before its last byte (a client that hung up mid-body). */
export function truncatedBody(): HttpError {
  return badRequest(TRUNCATED);
}

/**
 * Reads and drops the rest of a body the answer (an early 4xx) no longer needs: a connection
 * closed with unread bytes is reset, and the client may lose the answer (see DRAIN_BYTES). A body
 * of declared length is read to its end; a chunked one for at most DRAIN_BYTES more.
 */
export function discardRest(req: IncomingMessage): void {
  const budget = req.headers['content-length'] ? Infinity : DRAIN_BYTES;
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > budget) req.destroy();
  });
  req.resume();
}

function formatMb(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 100) / 100);
}
