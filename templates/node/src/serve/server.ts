import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { TextDecoder } from 'node:util';
import type { SoftmaxModel } from '../model/model.ts';
import { negotiate, parseMediaType } from './content-negotiation.ts';
import {
  decodeRows,
  decodeText,
  requestContentType,
  sniffContentType,
  type SupportedContentType,
} from './decode-request.ts';
import {
  encodePredictions,
  responseType,
  SUPPORTED_ACCEPT,
  type SupportedAccept,
} from './encode-response.ts';
import { HttpError } from './http-error.ts';
import { predictOrRefuse } from './predict-or-refuse.ts';
import { type BodyStart, declaredTooLarge, readBody, readBodyStart } from './read-body.ts';
import { REALTIME_MAX_PAYLOAD_BYTES, type ServerSettings } from './settings.ts';
import { streamPredictions } from './stream-predictions.ts';

/** What the server loaded at start: a model, or the reason it has none (then /ping answers 503). */
export type ModelState = { ready: true; model: SoftmaxModel } | { ready: false; reason: string };

export interface HandlerOptions {
  model: ModelState;
  settings: Omit<ServerSettings, 'port'>;
  log?: (line: string) => void;
  /** True once shutdown began: answers then close their connection. */
  isClosing?: () => boolean;
  /** Bodies larger than this are streamed when they can be (default: the real-time 6 MB); tests lower it. */
  streamAfterBytes?: number;
}

const ROUTES: Record<string, string[]> = {
  '/ping': ['GET', 'HEAD'],
  '/invocations': ['POST'],
  '/execution-parameters': ['GET', 'HEAD'],
};

/** The request listener: routes, answers errors as JSON, logs one line per request. */
export function createRequestHandler(
  options: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.log ?? ((line) => console.log(line));
  return (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    res.once('close', () => {
      const ms = (performance.now() - started).toFixed(1);
      log(
        `${req.method} ${path} ${res.statusCode} ${ms}ms${res.writableFinished ? '' : ' (connection closed early)'}`,
      );
    });
    route(req, res, path, options).catch((error: unknown) => {
      if (!(error instanceof HttpError))
        log(
          `error while answering ${req.method} ${path}: ${(error as Error).stack ?? String(error)}`,
        );
      const answer =
        error instanceof HttpError
          ? error
          : new HttpError(
              500,
              'internal_error',
              'The server failed to answer this request; the cause is in its logs.',
            );
      sendJson(
        res,
        answer.status,
        { error: answer.code, message: answer.message },
        answer.headers,
        options,
      );
    });
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: HandlerOptions,
): Promise<void> {
  const methods = ROUTES[path];
  if (!methods) {
    const known = Object.entries(ROUTES)
      .map(([p, m]) => `${m[0]} ${p}`)
      .join(', ');
    throw new HttpError(
      404,
      'not_found',
      `No route ${req.method} ${path.slice(0, 200)}. This server answers ${known}.`,
    );
  }
  if (!methods.includes(req.method ?? '')) {
    throw new HttpError(
      405,
      'method_not_allowed',
      `${path} answers ${methods.join(' and ')}, not ${req.method}.`,
      { Allow: methods.join(', ') },
    );
  }
  const { model, settings } = options;
  if (path === '/ping') {
    if (!model.ready) throw new HttpError(503, 'model_not_loaded', model.reason);
    return sendJson(res, 200, { status: 'ok' }, {}, options);
  }
  if (path === '/execution-parameters') {
    // "MultiRecord" (the API's spelling): SDK local mode rejects the docs' "MULTI_RECORD".
    return sendJson(
      res,
      200,
      {
        MaxConcurrentTransforms: settings.maxConcurrentTransforms,
        BatchStrategy: 'MultiRecord',
        MaxPayloadInMB: settings.maxPayloadInMb,
      },
      {},
      options,
    );
  }
  return invocations(req, res, options);
}

async function invocations(
  req: IncomingMessage,
  res: ServerResponse,
  options: HandlerOptions,
): Promise<void> {
  const { model, settings } = options;
  if (!model.ready) throw new HttpError(503, 'model_not_loaded', model.reason);
  const { charset, declared, accept } = judgeHeaders(req, settings.maxPayloadBytes);
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  const limit = settings.maxPayloadBytes;
  const start = await bodyStart(req, declared, limit, options.streamAfterBytes);
  let body = start.bytes;
  if (!start.complete) {
    if (streamable(declared, charset, body)) {
      const closing = options.isClosing?.() ?? false;
      const log = options.log ?? ((line) => console.log(line));
      const context = { model: model.model, accept, limitBytes: limit, closing, log };
      return streamPredictions(req, res, body, context);
    }
    body = await readBody(req, limit, body); // JSON or another charset: read whole, as always
  }
  const text = decodeText(body, charset);
  const rows = decodeRows(text, declared ?? sniffContentType(text), model.model.featureCount);
  const answer = encodePredictions(predictOrRefuse(model.model, rows), accept);
  send(res, 200, responseType(accept), answer, {}, options);
}

/**
 * What the headers say about a request, judged before its body is read so that a wrong request
 * costs no upload: 415, 406, or a 413 for an `Expect: 100-continue` declaring too large a body.
 */
function judgeHeaders(req: IncomingMessage, limitBytes: number) {
  const header = req.headers['content-type'];
  const media = header ? parseMediaType(header) : undefined;
  const declared = requestContentType(header, media);
  const accept = negotiate(req.headers.accept, SUPPORTED_ACCEPT) as SupportedAccept | undefined;
  if (!accept) {
    throw new HttpError(
      406,
      'not_acceptable',
      `Accept ${JSON.stringify(String(req.headers.accept).slice(0, 100))} asks for nothing this server produces. Supported: ${SUPPORTED_ACCEPT.join(', ')} (or */*).`,
    );
  }
  if (req.headers.expect?.toLowerCase() === '100-continue') {
    // Refuse an oversized upload before the client sends it, not after.
    const tooLarge = declaredTooLarge(req, limitBytes);
    if (tooLarge) throw tooLarge;
  }
  return { charset: media?.params.charset || 'utf-8', declared, accept };
}

/**
 * The whole body, or its start when it is over `streamAfterBytes`. A declared text/csv length over
 * it holds nothing back; otherwise the first bytes say whether the body is small and, without a
 * Content-Type, what it is.
 */
async function bodyStart(
  req: IncomingMessage,
  declared: SupportedContentType | undefined,
  limitBytes: number,
  streamAfterBytes = REALTIME_MAX_PAYLOAD_BYTES,
): Promise<BodyStart> {
  const length = Number(req.headers['content-length']);
  if (declared === 'text/csv' && length > streamAfterBytes && length <= limitBytes)
    return { bytes: Buffer.alloc(0), complete: false };
  return readBodyStart(req, limitBytes, streamAfterBytes);
}

/**
 * Whether a body too large to hold can be streamed: text/csv (declared, or sniffed from its first
 * bytes) in UTF-8, whose records are lines. JSON is one document and is read whole.
 */
function streamable(
  declared: SupportedContentType | undefined,
  charset: string,
  head: Buffer,
): boolean {
  if (!/^utf-?8$/i.test(charset)) return false;
  const type = declared ?? sniffContentType(new TextDecoder().decode(head.subarray(0, 64 * 1024)));
  return type === 'text/csv';
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string>,
  options: HandlerOptions,
): void {
  send(res, status, 'application/json', JSON.stringify(value), headers, options);
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string>,
  options: HandlerOptions,
): void {
  if (res.headersSent) {
    // Ending would make a cut-short answer look complete: the client must see a failed request.
    res.destroy();
    return;
  }
  const head: Record<string, string | number> = {
    ...headers,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
  };
  if (options.isClosing?.()) head.Connection = 'close';
  res.writeHead(status, head);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * SAGEMAKER_MODEL_SERVER_TIMEOUT bounds a whole request. Node's own 300 s requestTimeout would
 * otherwise cut an asynchronous endpoint's upload, which streams only as fast as the model
 * predicts; headers still get at most Node's 60 s, as no model slows them.
 */
function applyTimeouts(server: http.Server, timeoutMs: number | undefined): void {
  if (timeoutMs === undefined) return;
  server.requestTimeout = timeoutMs;
  server.headersTimeout = Math.min(server.headersTimeout, timeoutMs);
  server.setTimeout(timeoutMs); // a socket idle that long is cut (Node's default: never)
}

const closers = new WeakMap<http.Server, () => void>();

/** An HTTP server around the handler (no framework), also answering `Expect: 100-continue`. */
export function createServer(options: Omit<HandlerOptions, 'isClosing'>): http.Server {
  let closing = false;
  const handler = createRequestHandler({ ...options, isClosing: () => closing });
  const server = http.createServer(handler);
  server.on('checkContinue', handler);
  applyTimeouts(server, options.settings.modelServerTimeoutMs);
  closers.set(server, () => (closing = true));
  return server;
}

/**
 * Stops accepting connections, lets in-flight requests finish, and resolves once every connection
 * is closed ("graceful") or, at the deadline, after cutting the rest off ("forced").
 */
export function closeGracefully(
  server: http.Server,
  deadlineMs = 25_000,
): Promise<'graceful' | 'forced'> {
  closers.get(server)?.();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve('forced');
    }, deadlineMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve('graceful');
    });
    server.closeIdleConnections();
  });
}
