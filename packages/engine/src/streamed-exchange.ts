import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { HttpExchange } from './http-exchange.ts';

/** A request whose body is made as it is sent, for bodies too large to hold (async endpoints' 1 GB). */
export interface StreamedRequest {
  headers?: Record<string, string>;
  /** The body's chunks, pulled only as fast as the server takes them. */
  body: AsyncIterable<Buffer>;
  /** Its size, sent as Content-Length (as SageMaker sends a body it read from S3). */
  bodyBytes: number;
  timeoutMs: number;
}

/**
 * What came back, counted as it streamed in: only the first {@link HEAD_BYTES} of the answer are
 * kept (in `body`), so a 1 GB answer costs no memory here either.
 */
export interface StreamedExchange extends Omit<HttpExchange, 'raw'> {
  receivedBytes: number;
  /** Lines of the answer: newline-terminated ones, plus an unterminated last one. */
  receivedLines: number;
  /** Milliseconds until the whole body was handed to the socket; undefined when it never was. */
  sentAfterMs?: number;
}

const HEAD_BYTES = 64 * 1024;

/**
 * POSTs a streamed body and reads the answer as it comes; like {@link exchange}, a failure (refused,
 * reset, timed out) is status 0 with the reason in `body`, never a throw. An early answer (413 while
 * the body is still going) is kept even though the rest of the body could not be sent.
 */
export function streamedExchange(url: string, request: StreamedRequest): Promise<StreamedExchange> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let sentAfterMs: number | undefined;
    let answered = false;
    const finish = (result: Omit<StreamedExchange, 'durationMs' | 'sentAfterMs'>) => {
      clearTimeout(timer);
      resolve({
        ...result,
        durationMs: elapsed(),
        ...(sentAfterMs === undefined ? {} : { sentAfterMs }),
      });
    };
    const failed = (reason: string) =>
      finish({ status: 0, contentType: '', body: reason, receivedBytes: 0, receivedLines: 0 });
    const req = httpRequest(url, {
      method: 'POST',
      headers: { ...request.headers, 'Content-Length': String(request.bodyBytes) },
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    req.on('response', (response) => {
      answered = true;
      readAnswer(response).then(finish, (error: Error) => failed(error.message));
    });
    req.on('error', (error: Error & { code?: string }) => {
      if (!answered) failed(error.code ? `${error.code}: ${error.message}` : error.message);
    });
    sendBody(req, request.body).then(
      () => (sentAfterMs = elapsed()),
      () => {}, // the 'error' or an early 'response' says what happened
    );
  });
}

/** Writes each chunk, waiting for the socket to drain, then ends the request. */
async function sendBody(req: ReturnType<typeof httpRequest>, body: AsyncIterable<Buffer>) {
  for await (const chunk of body) {
    if (req.destroyed) throw new Error('request closed');
    if (!req.write(chunk))
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          req.off('close', onClose);
          resolve();
        };
        const onClose = () => {
          req.off('drain', onDrain);
          reject(new Error('request closed'));
        };
        req.once('drain', onDrain);
        req.once('close', onClose);
      });
  }
  await new Promise<void>((resolve) => req.end(resolve));
}

/** Status, type, the first bytes and the byte and line counts of an answer, read to its end. */
async function readAnswer(
  response: IncomingMessage,
): Promise<Omit<StreamedExchange, 'durationMs' | 'sentAfterMs'>> {
  const head: Buffer[] = [];
  let kept = 0;
  let receivedBytes = 0;
  let newlines = 0;
  let last = 0x0a;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    receivedBytes += chunk.length;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) newlines++;
    last = chunk[chunk.length - 1] ?? last;
    if (kept < HEAD_BYTES) {
      head.push(chunk.subarray(0, HEAD_BYTES - kept));
      kept += Math.min(chunk.length, HEAD_BYTES - kept);
    }
  }
  return {
    status: response.statusCode ?? 0,
    contentType: String(response.headers['content-type'] ?? ''),
    body: Buffer.concat(head).toString('utf8'),
    receivedBytes,
    receivedLines: newlines + (receivedBytes > 0 && last !== 0x0a ? 1 : 0),
  };
}
