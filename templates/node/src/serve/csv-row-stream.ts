import { decodeUtf8, InvalidUtf8 } from '../decode-utf8.ts';
import { CsvRecords } from './csv-rows.ts';
import { notUtf8 } from './decode-request.ts';
import { badRequest } from './http-error.ts';
import { REALTIME_MAX_PAYLOAD_BYTES } from './settings.ts';

/** The longest line kept while its newline has not arrived: a whole real-time request. */
export const MAX_LINE_BYTES = REALTIME_MAX_PAYLOAD_BYTES;

/**
 * csvRows for a UTF-8 text/csv body that arrives in chunks: the same rows, line numbers and 400s,
 * without ever holding more than a chunk and one unfinished line. Bytes are cut at the last LF
 * before decoding: an LF byte is never part of a multi-byte UTF-8 character, so a character (or a
 * record) split across chunks is decoded whole once its line is complete.
 */
export class CsvRowStream {
  private readonly records: CsvRecords;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(featureCount: number) {
    this.records = new CsvRecords(featureCount);
  }

  /** The rows of the lines this chunk completes; a line without its LF yet waits for more. */
  push(chunk: Buffer): number[][] {
    const lastLf = chunk.lastIndexOf(0x0a);
    if (lastLf < 0) {
      this.keep(chunk);
      return [];
    }
    const rows: number[][] = [];
    let start = 0;
    if (this.pendingBytes > 0) {
      // Only the line begun in an earlier chunk is copied together; the rest is decoded in place.
      start = chunk.indexOf(0x0a) + 1;
      this.addRows(this.take(chunk.subarray(0, start - 1)), rows);
    }
    if (start <= lastLf) this.addRows(chunk.subarray(start, lastLf), rows);
    this.keep(chunk.subarray(lastLf + 1));
    return rows;
  }

  /** The row of a last line that has no LF, once the body ended. */
  end(): number[][] {
    const rows: number[][] = [];
    if (this.pendingBytes > 0) this.addRows(this.take(Buffer.alloc(0)), rows);
    return rows;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > MAX_LINE_BYTES) {
      throw badRequest(
        `Row ${this.records.line + 1} is longer than ${MAX_LINE_BYTES} bytes without a line break. Send one record of features per line.`,
      );
    }
  }

  /** The pending bytes followed by `tail`, as one buffer; nothing is pending afterwards. */
  private take(tail: Buffer): Buffer {
    const bytes = this.pending.length > 0 ? Buffer.concat([...this.pending, tail]) : tail;
    this.pending = [];
    this.pendingBytes = 0;
    return bytes;
  }

  /** Adds the rows of complete lines (LFs between them, none after the last) to `rows`. */
  private addRows(bytes: Buffer, rows: number[][]): void {
    const text = this.decode(bytes);
    for (let start = 0; ;) {
      const lf = text.indexOf('\n', start);
      const row = this.records.read(text.slice(start, lf < 0 ? text.length : lf));
      if (row) rows.push(row);
      if (lf < 0) return;
      start = lf + 1;
    }
  }

  private decode(bytes: Buffer): string {
    const first = this.records.line === 0;
    try {
      // Only the body's start may lose a BOM, as decodeText drops it for a whole body.
      return decodeUtf8(bytes, { keepBom: !first });
    } catch (error) {
      if (!(error instanceof InvalidUtf8)) throw error;
      throw notUtf8(this.records.line + error.line);
    }
  }
}
