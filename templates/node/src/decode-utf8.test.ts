import { describe, expect, it } from 'vitest';
import { decodeUtf8, InvalidUtf8 } from './decode-utf8.ts';

describe('decodeUtf8', () => {
  it('decodes UTF-8 and drops a BOM', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFé,1\n'))).toBe('é,1\n');
  });

  it('keeps a BOM when asked to, for a piece from the middle of a text', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFé,1\n'), { keepBom: true })).toBe('\uFEFFé,1\n');
  });

  it.each([
    [[0xff], 1],
    [[0x61, 0x0a, 0x62, 0xc3], 2],
    [[0x61, 0x0a, 0x0a, 0xed, 0xa0, 0x80], 3],
    [[0x0a, 0xc0, 0xaf, 0x0a], 2],
  ])('refuses %j, naming line %i, instead of turning it into U+FFFD', (bytes, line) => {
    let error: unknown;
    try {
      decodeUtf8(Buffer.from(bytes));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidUtf8);
    expect((error as InvalidUtf8).line).toBe(line);
  });
});
