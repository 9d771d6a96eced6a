import { describe, expect, it } from 'vitest';
import { CsvRowStream, MAX_LINE_BYTES } from './csv-row-stream.ts';
import { decodeRows, decodeText } from './decode-request.ts';
import { HttpError } from './http-error.ts';

/** Rows (or the error message) of a body fed in the given pieces. */
function streamed(pieces: Buffer[], featureCount = 2): number[][] | string {
  const stream = new CsvRowStream(featureCount);
  try {
    const rows = pieces.flatMap((piece) => stream.push(piece));
    return [...rows, ...stream.end()];
  } catch (error) {
    if (error instanceof HttpError) return error.message;
    throw error;
  }
}

/** What the whole-body path answers for the same bytes: rows, or the 400's message. */
function whole(body: Buffer, featureCount = 2): number[][] | string {
  try {
    const text = decodeText(body);
    // decodeRows refuses an empty result; the stream's caller does the same after its last row.
    return text.trim() === '' ? [] : decodeRows(text, 'text/csv', featureCount);
  } catch (error) {
    if (error instanceof HttpError) return error.message;
    throw error;
  }
}

/** Every way to cut `body` in two, plus one byte at a time. */
function cuts(body: Buffer): Buffer[][] {
  const twoPieces = Array.from({ length: body.length + 1 }, (_, at) => [
    body.subarray(0, at),
    body.subarray(at),
  ]);
  const bytes = Array.from(body, (_, i) => body.subarray(i, i + 1));
  return [...twoPieces, bytes];
}

const BODIES: [string, string | Buffer][] = [
  ['plain rows', '1,0\n-2.5,3e-1\n4,5\n'],
  ['CRLF and no final newline', '1,0\r\n2,0\r\n3,0'],
  ['trailing blank lines', '1,0\n2,0\n\r\n\n'],
  ['a BOM', '\uFEFF1,0\n2,0\n'],
  ['a BOM on a later line, which only trimming removes', '1,0\n\uFEFF2,0\n'],
  ['multi-byte spaces that trimming removes', '1\u3000,0\n\u00a02,\u20030\n'],
  ['quoted cells', '"1",0\n" 2 ",0\n'],
  ['a blank line between records', '1,0\n\n2,0\n'],
  ['a header line', 'x,y\n1,0\n'],
  ['a bad cell with multi-byte characters', '1,0\n１２,0\n'],
  ['a wrong count', '1,0\n1,0,0\n'],
  ['invalid UTF-8 on line 3', Buffer.from([0x31, 0x2c, 0x30, 0x0a, 0x0a, 0x31, 0xff, 0x0a])],
  ['a truncated character at the end', Buffer.from([0x31, 0x2c, 0x30, 0x0a, 0xe3, 0x80])],
  ['a lone surrogate', Buffer.from([0x31, 0x2c, 0x30, 0x0a, 0xed, 0xa0, 0x80, 0x0a])],
];

describe('CsvRowStream', () => {
  it.each(BODIES)('gives csvRows’ rows and errors for %s, however the body is cut', (_, body) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const expected = whole(bytes);
    for (const pieces of cuts(bytes)) expect(streamed(pieces)).toEqual(expected);
  });

  it('decodes a character split across chunks', () => {
    const body = Buffer.from('1\u3000,0\n'); // U+3000 is 3 bytes: E3 80 80
    expect(streamed([body.subarray(0, 2), body.subarray(2, 3), body.subarray(3)])).toEqual([
      [1, 0],
    ]);
  });

  it('numbers lines across many chunks', () => {
    const body = Buffer.from('1,0\n'.repeat(5000) + '1,x\n');
    const pieces = Array.from({ length: Math.ceil(body.length / 7) }, (_, i) =>
      body.subarray(i * 7, i * 7 + 7),
    );
    expect(streamed(pieces)).toMatch(/^Row 5001, column 2: "x" is not a number/);
  });

  it('refuses a line longer than a real-time request instead of holding it', () => {
    const stream = new CsvRowStream(2);
    const piece = Buffer.alloc(1024 * 1024, '1');
    expect(() => {
      for (let sent = 0; sent <= MAX_LINE_BYTES; sent += piece.length) stream.push(piece);
    }).toThrow(`Row 1 is longer than ${MAX_LINE_BYTES} bytes without a line break`);
  });
});
