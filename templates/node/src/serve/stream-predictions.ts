import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Prediction, SoftmaxModel } from '../model/model.ts';
import { CsvRowStream } from './csv-row-stream.ts';
import { noRows } from './decode-request.ts';
import { piecewiseEncoding, responseType, type SupportedAccept } from './encode-response.ts';
import { HttpError } from './http-error.ts';
import { predictOrRefuse } from './predict-or-refuse.ts';
import { discardRest, payloadTooLarge, truncatedBody } from './read-body.ts';

/** Records predicted (and written) at a time: enough to amortize a write, small enough to hold. */
export const BATCH_ROWS = 4096;
/** Chunks are cut to this size, so one chunk of short rows never makes a huge array of rows. */
const PIECE_BYTES = 64 * 1024;

export interface StreamContext {
  model: SoftmaxModel;
  accept: SupportedAccept;
  limitBytes: number;
  /** Answer with `Connection: close` (shutdown began). */
  closing: boolean;
  log: (line: string) => void;
}

/** The client went away while the answer was being written. */
class ClientGone extends Error {
  override name = 'ClientGone';
}

/**
 * Answers a text/csv body too large to hold (an asynchronous endpoint's, up to 1 GB) while it
 * arrives: rows are split from `head` (the bytes already read) and then from the request, predicted
 * BATCH_ROWS at a time, and each batch's answer is written at once, chunked. Reading waits while
 * the client is slow to take the answer, so memory stays at a few batches whatever the body's size.
 *
 * An error before the first write is thrown, for the usual JSON 4xx. Once the 200 has started a bad
 * record can no longer become a 400: it is logged and the connection is cut without ending the
 * chunked body, so the client sees a failed request, never a short 200.
 */
export async function streamPredictions(
  req: IncomingMessage,
  res: ServerResponse,
  head: Buffer,
  context: StreamContext,
): Promise<void> {
  const answer = new StreamedAnswer(res, context);
  try {
    await predictAll(bodyPieces(req, head, context.limitBytes), answer, context.model);
  } catch (error) {
    if (!res.headersSent) {
      discardRest(req);
      throw error;
    }
    const clientGone = req.socket.destroyed;
    res.destroy();
    context.log(`error: POST /invocations ${whyCut(error, answer.records, clientGone)}`);
  }
}

async function predictAll(
  pieces: AsyncIterable<Buffer>,
  answer: StreamedAnswer,
  model: SoftmaxModel,
): Promise<void> {
  const rows = new CsvRowStream(model.featureCount);
  let batch: number[][] = [];
  const flush = async () => {
    const predictions = predictOrRefuse(model, batch, answer.records + 1);
    batch = [];
    await answer.write(predictions);
  };
  for await (const piece of pieces) {
    for (const row of rows.push(piece)) {
      batch.push(row);
      if (batch.length === BATCH_ROWS) await flush();
    }
  }
  batch.push(...rows.end());
  if (batch.length > 0) await flush();
  if (answer.records === 0) throw noRows(model.featureCount);
  answer.end();
}

/** `head`, then the rest of the body, in pieces of at most PIECE_BYTES; a 413 past the limit. */
async function* bodyPieces(
  req: IncomingMessage,
  head: Buffer,
  limitBytes: number,
): AsyncGenerator<Buffer> {
  yield* piecesOf(head);
  let size = head.length;
  try {
    // Not destroyed on an early return: the request stays readable so the rest can be discarded.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Only a chunked body can get here: a declared length over the limit was refused up front.
      if (size > limitBytes) throw payloadTooLarge(limitBytes, `more than ${limitBytes} bytes`);
      yield* piecesOf(chunk);
    }
  } catch (error) {
    throw req.complete || error instanceof HttpError ? error : truncatedBody();
  }
  if (!req.complete) throw truncatedBody();
}

function* piecesOf(chunk: Buffer): Generator<Buffer> {
  for (let at = 0; at < chunk.length; at += PIECE_BYTES) yield chunk.subarray(at, at + PIECE_BYTES);
}

/** A 200 written batch by batch, with backpressure: write() waits while the client lags behind. */
class StreamedAnswer {
  /** Predictions written so far. */
  records = 0;
  private readonly encoding;

  constructor(
    private readonly res: ServerResponse,
    private readonly context: StreamContext,
  ) {
    this.encoding = piecewiseEncoding(context.accept);
  }

  async write(predictions: Prediction[]): Promise<void> {
    const { res, encoding } = this;
    let text = encoding.part(predictions);
    if (this.records === 0) {
      // No Content-Length: the answer goes out chunked, as it is made.
      const head: Record<string, string> = { 'Content-Type': responseType(this.context.accept) };
      if (this.context.closing) head.Connection = 'close';
      res.writeHead(200, head);
      text = encoding.prefix + text;
    } else text = encoding.separator + text;
    this.records += predictions.length;
    if (!res.write(text)) await drained(res);
  }

  end(): void {
    this.res.end(this.encoding.suffix);
  }
}

function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.reject(new ClientGone());
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new ClientGone());
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** The log line's reason for cutting a started answer. */
function whyCut(error: unknown, records: number, clientGone: boolean): string {
  const after = `after ${records} predictions were sent`;
  if (clientGone || error instanceof ClientGone)
    return `stopped: the connection closed ${after} (the client went away, or the request ran past the server's timeout: SAGEMAKER_MODEL_SERVER_TIMEOUT, or Node's 300 s when unset)`;
  if (error instanceof HttpError)
    return `cut off ${after}, since a 200 had started (the client sees a failed request): ${error.message}`;
  return `cut off ${after} by an internal error: ${(error as Error).stack ?? String(error)}`;
}
