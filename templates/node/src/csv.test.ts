import { describe, expect, it } from 'vitest';
import { csvCell, csvLines, FLOAT32_MAX, numberProblem, parseNumber, splitCsvLine } from './csv.ts';
import { excerpt } from './excerpt.ts';

describe('splitCsvLine', () => {
  it('trims cells and keeps quoted commas and escaped quotes', () => {
    expect(splitCsvLine(' a , "b,c" ,"say ""hi""",')).toEqual(['a', 'b,c', 'say "hi"', '']);
  });
});

describe('csvLines', () => {
  it('numbers lines from 1, skips blank ones and strips a BOM', () => {
    expect(csvLines('\uFEFFa,b\r\n\r\n1,2\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['1', '2'] },
    ]);
  });
});

describe('parseNumber', () => {
  it.each([
    ['1', 1],
    ['-0.5', -0.5],
    ['+.5', 0.5],
    ['2e-3', 0.002],
    ['5.', 5],
  ])('reads %j', (cell, value) => expect(parseNumber(cell)).toBe(value));

  it.each([
    '',
    'abc',
    '0x10',
    'NaN',
    'nan',
    'Infinity',
    'inf',
    '1,5',
    '1 2',
    '1_000',
    '١٢',
    '１２',
    '0b1',
    '1e',
    '.',
    '1e39',
    '-3.5e38',
    '1e400',
    '9'.repeat(400),
  ])('refuses %j', (cell) => {
    expect(parseNumber(cell)).toBeUndefined();
  });

  it('accepts the float32 range up to its edge, and tiny values', () => {
    expect(parseNumber('3.4028234e38')).toBe(3.4028234e38);
    expect(parseNumber('-3.4028234663852886e38')).toBe(-FLOAT32_MAX);
    expect(parseNumber(`0.${'0'.repeat(400)}1`)).toBe(0);
  });
});

describe('numberProblem', () => {
  it('says why a cell is refused, quoting at most 40 characters of it', () => {
    expect(numberProblem('')).toBe('the cell is empty');
    expect(numberProblem('1e39')).toBe('"1e39" is beyond float32 range (|x| <= 3.4028235e38)');
    expect(numberProblem('nan')).toMatch(/^"nan" is not a number \(plain decimal digits/);
    expect(numberProblem('9'.repeat(5000)).length).toBeLessThan(200);
  });
});

describe('excerpt', () => {
  it('quotes a value, cut short with an ellipsis', () => {
    expect(excerpt('abc')).toBe('"abc"');
    expect(excerpt('x'.repeat(100), 5)).toBe('"xxxxx…"');
  });
});

describe('csvCell', () => {
  it('quotes only when needed', () => {
    expect(csvCell('setosa')).toBe('setosa');
    expect(csvCell(3)).toBe('3');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });
});
