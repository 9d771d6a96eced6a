import { describe, expect, it } from 'vitest';
import { negotiate, parseAccept, parseMediaType } from './content-negotiation.ts';

const OURS = ['application/json', 'text/csv'];

describe('parseMediaType', () => {
  it('lower-cases the type and reads parameters, quoted or not', () => {
    expect(parseMediaType('Text/CSV; Charset="UTF-8"; header=present')).toEqual({
      type: 'text',
      subtype: 'csv',
      essence: 'text/csv',
      params: { charset: 'UTF-8', header: 'present' },
    });
  });

  it('rejects values that are not type/subtype', () => {
    expect(parseMediaType('csv')).toBeUndefined();
    expect(parseMediaType('text/csv/extra')).toBeUndefined();
    expect(parseMediaType('')).toBeUndefined();
  });
});

describe('parseAccept', () => {
  it('reads q-values, defaulting to 1 and clamping to [0, 1]', () => {
    expect(
      parseAccept('text/csv;q=0.5, application/json, */*;q=7, image/png;q=-1').map((e) => [
        e.essence,
        e.q,
      ]),
    ).toEqual([
      ['text/csv', 0.5],
      ['application/json', 1],
      ['*/*', 1],
      ['image/png', 0],
    ]);
  });

  it('skips malformed entries', () => {
    expect(parseAccept('garbage, text/csv').map((e) => e.essence)).toEqual(['text/csv']);
  });
});

describe('negotiate', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['text/csv', 'text/csv'],
    ['TEXT/CSV', 'text/csv'],
    ['text/*', 'text/csv'],
    ['application/*', 'application/json'],
    ['application/json; charset=utf-8', 'application/json'],
    ['text/csv, application/json', 'text/csv'],
    ['application/json, text/csv', 'application/json'],
    ['text/csv;q=0.4, application/json;q=0.8', 'application/json'],
    ['application/json;q=0.2, text/csv', 'text/csv'],
    ['*/*;q=0.1, text/csv', 'text/csv'],
    ['application/json;q=0, */*', 'text/csv'],
    ['text/html, */*;q=0.8', 'application/json'],
    ['image/png', undefined],
    ['application/json;q=0, text/csv;q=0', undefined],
    ['text/*;q=0, */*', 'application/json'],
  ])('Accept %j -> %j', (accept, expected) => {
    expect(negotiate(accept, OURS)).toBe(expected);
  });

  it('lets the most specific entry decide, even when a wildcard is rated higher', () => {
    expect(negotiate('*/*;q=1, application/json;q=0.1, text/csv;q=0.5', OURS)).toBe('text/csv');
  });
});
