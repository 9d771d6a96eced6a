import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.ts';
import { decodeRows, decodeText, requestContentType, sniffContentType } from './decode-request.ts';
import { parseMediaType } from './content-negotiation.ts';

function httpError(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected an HttpError');
}

describe('decodeRows, text/csv', () => {
  it('reads one row per line, CRLF or LF, skipping blank lines', () => {
    expect(decodeRows('1,2\r\n\r\n3.5,-4e-1\n', 'text/csv', 2)).toEqual([
      [1, 2],
      [3.5, -0.4],
    ]);
  });

  it('tolerates a header line', () => {
    expect(decodeRows('x,y\n1,2\n', 'text/csv', 2)).toEqual([[1, 2]]);
  });

  it('says expected versus actual for a wrong feature count, and hints at the label column', () => {
    const error = httpError(() => decodeRows('1,2\n1,2,3\n', 'text/csv', 2));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      'Row 2 has 3 values, expected 2 features (the model was trained on 2). Send features only, without the label column.',
    );
  });

  it('names the row and column of a value that is not a number', () => {
    const error = httpError(() => decodeRows('1,2\n3,abc\n', 'text/csv', 2));
    expect(error.status).toBe(400);
    expect(error.message).toContain('Row 2, column 2: "abc" is not a number');
  });

  it('refuses an empty body', () => {
    expect(httpError(() => decodeRows('\n\n', 'text/csv', 2)).message).toContain(
      'The request has no rows',
    );
  });
});

describe('decodeRows, application/json', () => {
  it.each([
    [
      '{"instances": [[1, 2], [3, 4]]}',
      [
        [1, 2],
        [3, 4],
      ],
    ],
    ['{"instances": [{"features": [1, 2]}]}', [[1, 2]]],
    ['{"features": [1, 2]}', [[1, 2]]],
    [
      '[[1, 2], [3, 4]]',
      [
        [1, 2],
        [3, 4],
      ],
    ],
    ['[1, 2]', [[1, 2]]],
  ])('accepts %s', (body, rows) => {
    expect(decodeRows(body, 'application/json', 2)).toEqual(rows);
  });

  it('answers 400 for malformed JSON with the parser message', () => {
    const error = httpError(() => decodeRows('{not json', 'application/json', 2));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^The body is not valid JSON \(.+\)\. Send \{"instances"/);
  });

  it('answers 400 for an unknown shape, a non-numeric value and a wrong count', () => {
    expect(
      httpError(() => decodeRows('{"rows": [[1, 2]]}', 'application/json', 2)).message,
    ).toContain('none of the accepted shapes');
    expect(
      httpError(() => decodeRows('{"instances": [[1, "2"]]}', 'application/json', 2)).message,
    ).toContain('Row 1, column 2: "2" is not a number');
    expect(
      httpError(() => decodeRows('{"instances": [1, 2]}', 'application/json', 2)).message,
    ).toContain('Row 1 is not an array');
    expect(httpError(() => decodeRows('[[1, 2, 3]]', 'application/json', 2)).message).toContain(
      'Row 1 has 3 values, expected 2 features',
    );
    expect(httpError(() => decodeRows('[]', 'application/json', 2)).message).toContain('no rows');
  });
});

describe('decodeText', () => {
  it('decodes UTF-8 by default and honours other charsets', () => {
    expect(decodeText(Buffer.from('1,2'))).toBe('1,2');
    expect(decodeText(Buffer.from('1,2', 'utf16le'), 'utf-16le')).toBe('1,2');
    expect(decodeText(Buffer.from([0x31, 0x2c, 0xe9]), 'iso-8859-1')).toBe('1,é');
  });

  it('answers 415 for an unknown charset and 400 for bytes that are not in the charset', () => {
    expect(httpError(() => decodeText(Buffer.from('1'), 'klingon')).status).toBe(415);
    expect(httpError(() => decodeText(Buffer.from([0xff, 0xfe, 0xfd]), 'utf-8')).status).toBe(400);
  });
});

describe('requestContentType', () => {
  const type = (header: string | undefined) =>
    requestContentType(header, header ? parseMediaType(header) : undefined);

  it('accepts CSV and JSON with parameters and in any case', () => {
    expect(type('text/csv')).toBe('text/csv');
    expect(type('Text/CSV; charset=utf-8')).toBe('text/csv');
    expect(type('application/json;charset=UTF-8')).toBe('application/json');
  });

  it('leaves a missing Content-Type to sniffing', () => {
    expect(type(undefined)).toBeUndefined();
    expect(sniffContentType(' {"instances": []}')).toBe('application/json');
    expect(sniffContentType('[1,2]')).toBe('application/json');
    expect(sniffContentType('1,2')).toBe('text/csv');
  });

  it('answers 415 listing the supported types', () => {
    const error = httpError(() => type('application/x-www-form-urlencoded'));
    expect(error.status).toBe(415);
    expect(error.message).toContain('Supported: text/csv, application/json');
  });
});
