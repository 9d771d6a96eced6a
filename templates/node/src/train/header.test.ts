import { describe, expect, it } from 'vitest';
import { splitCsvLine } from '../csv.ts';
import { isHeader } from './header.ts';

describe('isHeader', () => {
  it.each([['species,sepal_length,sepal width'], ['y,x1,"feature, 2"'], [',a,b']])(
    'takes %j for a header: no feature cell could be a number',
    (line) => {
      expect(isHeader(splitCsvLine(line))).toBe(true);
    },
  );

  it.each([
    ['setosa,abc,3.5'],
    ['setosa,nan,NaN'],
    ['setosa,inf,-Infinity'],
    ['setosa,١٢,x'],
    ['setosa,１２,x'],
    ['setosa,,x'],
    ['setosa,-x,y'],
    ['setosa,.5e,y'],
    ['setosa,1_000,x'],
    ['label'],
  ])('takes %j for data: some feature cell looks like a (damaged) number', (line) => {
    expect(isHeader(splitCsvLine(line))).toBe(false);
  });
});
