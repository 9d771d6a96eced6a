import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import {
  NonFinitePrediction,
  predict,
  type Prediction,
  type SoftmaxModel,
} from '../model/model.ts';
import { negotiate, parseMediaType } from './content-negotiation.ts';
import { decodeRows, decodeText, requestContentType, sniffContentType } from './decode-request.ts';
import { encodePredictions, SUPPORTED_ACCEPT, type SupportedAccept } from './encode-response.ts';
import { badRequest, HttpError } from './http-error.ts';
import { declaredTooLarge, readBody } from './read-body.ts';
import type { ServerSettings } from './settings.ts';

/** What the server loaded at start: a model, or the reason it has none (then /ping answers 503). */
export type ModelState = { ready: true; model: SoftmaxModel } | { ready: false; reason: string };

export interface HandlerOptions {
  model: ModelState;
  settings: Omit<ServerSettings, 'port'>;
  log?: (line: string) => void;
  /** True once shutdown began: answers then close their connection. */
  isClosing?: () => boolean;
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
  // Headers are judged before the body is read, so a wrong request costs no upload.
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
    const tooLarge = declaredTooLarge(req, settings.maxPayloadBytes);
    if (tooLarge) throw tooLarge;
    res.writeContinue();
  }
  const text = decodeText(
    await readBody(req, settings.maxPayloadBytes),
    media?.params.charset || 'utf-8',
  );
  const rows = decodeRows(text, declared ?? sniffContentType(text), model.model.featureCount);
  const body = encodePredictions(predictOrRefuse(model.model, rows), accept);
  send(
    res,
    200,
    accept === 'text/csv' ? 'text/csv; charset=utf-8' : 'application/json',
    body,
    {},
    options,
  );
}

/** Predictions, or a 400 for a row that has no finite one (R2: never a 200 with null or NaN). */
function predictOrRefuse(model: SoftmaxModel, rows: number[][]): Prediction[] {
  try {
    return predict(model, rows);
  } catch (error) {
    if (!(error instanceof NonFinitePrediction)) throw error;
    throw badRequest(
      `Row ${error.row}: the model cannot turn these features into a finite prediction (a class score overflows). Send features in the range the model was trained on.`,
    );
  }
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
    res.end();
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

const closers = new WeakMap<http.Server, () => void>();

/** An HTTP server around the handler (no framework), also answering `Expect: 100-continue`. */
export function createServer(options: Omit<HandlerOptions, 'isClosing'>): http.Server {
  let closing = false;
  const handler = createRequestHandler({ ...options, isClosing: () => closing });
  const server = http.createServer(handler);
  server.on('checkContinue', handler);
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
