import { TextDecoder } from 'node:util';

/** Bytes that are not UTF-8, with the 1-based line (counted by LF bytes) where the first bad byte is. */
export class InvalidUtf8 extends Error {
  override name = 'InvalidUtf8';
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8`);
  }
}

/**
 * Decodes UTF-8 strictly. The default decoder turns bad bytes into U+FFFD, which would pass
 * silently as text: a damaged label would become a new class, a damaged cell a confusing error.
 * A leading BOM is dropped unless `keepBom` (for a piece from the middle of a text).
 */
export function decodeUtf8(bytes: Uint8Array, { keepBom = false } = {}): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom }).decode(bytes);
  } catch {
    throw new InvalidUtf8(lineOfInvalidUtf8(bytes));
  }
}

/** The slow path, only taken for bad input: decode line by line until one fails. */
function lineOfInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
  }
  return line - 1;
}
