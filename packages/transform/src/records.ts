import { TransformError } from './transform-error.ts';

/** How SageMaker cuts an input file into records (TransformInput.SplitType). */
export type SplitType = 'None' | 'Line' | 'RecordIO';

/** The magic number that starts every RecordIO record (MXNet's dmlc RecordIO, little-endian). */
const RECORDIO_MAGIC = 0xced7230a;

/**
 * The records of one input file: the whole file (None), each line with its newline (Line, as
 * SageMaker and SDK local mode send them; an empty file has none), or each RecordIO record with
 * its framing kept, so that a batch of them is itself valid RecordIO (RecordIO).
 */
export function splitRecords(data: Buffer, splitType: SplitType, file: string): Buffer[] {
  if (splitType === 'None') return data.length ? [data] : [];
  if (splitType === 'Line') return splitLines(data);
  return splitRecordIO(data, file);
}

function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, start)) {
    lines.push(data.subarray(start, at + 1));
    start = at + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

/** Records of a RecordIO file; a multi-part record (continuation flags 1 to 3) stays one record. */
function splitRecordIO(data: Buffer, file: string): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  let at = 0;
  while (at < data.length) {
    if (at + 8 > data.length || data.readUInt32LE(at) !== RECORDIO_MAGIC)
      throw new TransformError(
        `${file}: not RecordIO at byte ${at} (no magic number 0xced7230a). Use --split-type Line or None for this file.`,
      );
    const word = data.readUInt32LE(at + 4);
    const flag = word >>> 29;
    const length = word & ((1 << 29) - 1);
    at += 8 + Math.ceil(length / 4) * 4;
    if (at > data.length)
      throw new TransformError(
        `${file}: its last RecordIO record is cut short at byte ${data.length}.`,
      );
    // Flag 0: a whole record; 1 starts a multi-part one, 2 continues it, 3 ends it.
    if (flag === 0 || flag === 3) {
      records.push(data.subarray(start, at));
      start = at;
    }
  }
  return records;
}

/** A RecordIO record holding `payload` (for tests and callers that make RecordIO input). */
export function recordIO(payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(RECORDIO_MAGIC, 0);
  header.writeUInt32LE(payload.length, 4);
  const padding = Buffer.alloc((4 - (payload.length % 4)) % 4);
  return Buffer.concat([header, payload, padding]);
}
