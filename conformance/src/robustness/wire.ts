/**
 * Garbage is built as text; BAD_BYTE marks where a byte that is never valid UTF-8 goes, since a
 * JavaScript string cannot hold one. `toWire` turns the text into the bytes that are sent.
 */
export const BAD_BYTE = '\uFFFF';

const MARK = Buffer.from(BAD_BYTE, 'utf8'); // EF BF BF

export function toWire(text: string): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  if (!text.includes(BAD_BYTE)) return utf8;
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = utf8.indexOf(MARK); at >= 0; at = utf8.indexOf(MARK, from)) {
    parts.push(utf8.subarray(from, at), Buffer.from([0xff, 0xfe]));
    from = at + MARK.length;
  }
  parts.push(utf8.subarray(from));
  return Buffer.concat(parts);
}
