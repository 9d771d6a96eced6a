import { describe, expect, it } from 'vitest';
import { csvCell, csvLines, parseNumber, splitCsvLine } from './csv.ts';

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

  it.each(['', 'abc', '0x10', 'NaN', 'Infinity', '1,5', '1 2'])('refuses %j', (cell) => {
    expect(parseNumber(cell)).toBeUndefined();
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
