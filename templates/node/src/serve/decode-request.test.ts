import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.ts';
import { decodeRows, decodeText, requestContentType, sniffContentType } from './decode-request.ts';
import { parseMediaType } from './content-negotiation.ts';
import { NOT_NUMBERS } from '../testing/not-numbers.ts';

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
  it('reads one row per line, CRLF or LF, ignoring blank lines after the last record', () => {
    expect(decodeRows('1,2\r\n3.5,-4e-1\n\r\n\n', 'text/csv', 2)).toEqual([
      [1, 2],
      [3.5, -0.4],
    ]);
    expect(decodeRows('1,2', 'text/csv', 2)).toEqual([[1, 2]]);
  });

  it('takes every line for a record: a header line is refused, naming row 1', () => {
    const error = httpError(() => decodeRows('x,y\n1,2\n', 'text/csv', 2));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Row 1, column 1: "x" is not a number/);
  });

  it('refuses a damaged first line instead of skipping it as a header', () => {
    expect(httpError(() => decodeRows('nan,2\n1,2\n', 'text/csv', 2)).message).toMatch(
      /^Row 1, column 1: "nan" is not a number/,
    );
    expect(httpError(() => decodeRows('abc,def\n1,2\n3,4\n', 'text/csv', 2)).status).toBe(400);
  });

  it('refuses a blank line between records, which would shift every later prediction', () => {
    expect(httpError(() => decodeRows('1,2\n\n3,4\n', 'text/csv', 2)).message).toMatch(
      /^Row 2 is empty/,
    );
    expect(httpError(() => decodeRows(' \n3,4\n', 'text/csv', 2)).message).toMatch(
      /^Row 1 is empty/,
    );
  });

  it.each([...NOT_NUMBERS, '1e', '.', ''])(
    'refuses the cell %j with a 400 naming row and column',
    (cell) => {
      const error = httpError(() => decodeRows(`1,2\n3,${cell}\n`, 'text/csv', 2));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^Row 2, column 2: /);
      expect(error.message.length).toBeLessThan(400);
    },
  );

  it('accepts plain decimals up to the float32 limit', () => {
    expect(decodeRows('3.4e38,-3.4028234e38\n+.5,5.\n', 'text/csv', 2)).toEqual([
      [3.4e38, -3.4028234e38],
      [0.5, 5],
    ]);
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
    ).toContain('Row 1, column 2: the string "2" is not a number');
    expect(
      httpError(() => decodeRows('{"instances": [1, 2]}', 'application/json', 2)).message,
    ).toContain('Row 1 is 1, not an array of numbers');
    expect(httpError(() => decodeRows('[[1, 2, 3]]', 'application/json', 2)).message).toContain(
      'Row 1 has 3 values, expected 2 features',
    );
    expect(httpError(() => decodeRows('[]', 'application/json', 2)).message).toContain('no rows');
  });
});

describe('decodeRows, application/json garbage', () => {
  it.each([1000, 10_000, 100_000])('answers 400 for arrays nested %i deep', (depth) => {
    for (const body of [
      '['.repeat(depth) + ']'.repeat(depth),
      '['.repeat(depth),
      '['.repeat(depth) + ']'.repeat(depth - 1),
      `{"instances": [${'['.repeat(depth)}1${']'.repeat(depth)}]}`,
      `{"instances": [[1, ${'['.repeat(depth)}${']'.repeat(depth)}]]}`,
      '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    ]) {
      const error = httpError(() => decodeRows(body, 'application/json', 2));
      expect(error.status).toBe(400);
      expect(error.message.length).toBeLessThan(400);
    }
  });

  it.each([
    ['1e400', /Row 1, column 2: a number too large even for float64/],
    ['-1e400', /Row 1, column 2: a number too large even for float64/],
    ['1e39', /Row 1, column 2: 1e\+39 is not a number within float32 range/],
    ['9'.repeat(400), /Row 1, column 2: a number too large/],
    ['"NaN"', /Row 1, column 2: the string "NaN"/],
    ['null', /Row 1, column 2: null is not a number/],
    ['true', /Row 1, column 2: true is not a number/],
    ['{}', /Row 1, column 2: an object is not a number/],
  ])('refuses the value %s naming row and column', (value, message) => {
    for (const body of [`{"instances": [[1, ${value}]]}`, `[[1, ${value}]]`, `[1, ${value}]`]) {
      expect(httpError(() => decodeRows(body, 'application/json', 2)).message).toMatch(message);
    }
  });

  it('keeps messages short, whatever the size of the value it describes', () => {
    const long = `[${'1,'.repeat(500_000)}1]`;
    for (const body of [
      `{"instances": [[1, ${long}]]}`,
      `{"instances": [1, 2]}`,
      `{"instances": "${'x'.repeat(100_000)}"}`,
      `{"instances": [{"features": "${'x'.repeat(100_000)}"}]}`,
      `[[1, "${'x'.repeat(100_000)}"]]`,
    ]) {
      const error = httpError(() => decodeRows(body, 'application/json', 2));
      expect(error.status).toBe(400);
      expect(error.message.length).toBeLessThan(400);
    }
  });

  it('answers one row per instance, for a bare array of instance objects too', () => {
    expect(decodeRows('[{"features": [1, 2]}, [3, 4]]', 'application/json', 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

describe('decodeText', () => {
  it('names the line of a byte that is not UTF-8 (for text/csv, the row)', () => {
    const body = Buffer.concat([
      Buffer.from('1,2\n3,4\n5,'),
      Buffer.from([0xff]),
      Buffer.from('\n'),
    ]);
    const error = httpError(() => decodeText(body));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Line 3 of the body is not valid UTF-8/);
    expect(httpError(() => decodeText(Buffer.from([0xed, 0xa0, 0x80]), 'UTF-8')).status).toBe(400);
  });

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
