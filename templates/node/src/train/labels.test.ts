import { describe, expect, it } from 'vitest';
import { classesOf, encodeLabels } from './labels.ts';

describe('classesOf', () => {
  it('keeps integer classes as numbers, sorted numerically', () => {
    expect(classesOf(['10', '2', '2', '-1', '02'])).toEqual([-1, 2, 10]);
  });

  it('keeps integers beyond 2^53 as names, so distinct labels stay distinct classes', () => {
    expect(classesOf(['99999999999999999999', '100000000000000000000'])).toHaveLength(2);
  });

  it('keeps names as strings, sorted', () => {
    expect(classesOf(['dog', 'cat', '1'])).toEqual(['1', 'cat', 'dog']);
  });
});

describe('encodeLabels', () => {
  const where = (row: number) => `validation/v.csv line ${row + 2}`;

  it('maps labels to class indices, "01" and "1" being the same integer class', () => {
    expect(encodeLabels(['1', '01', '0'], [0, 1], where)).toEqual([1, 1, 0]);
    expect(encodeLabels(['dog', 'cat'], ['cat', 'dog'], where)).toEqual([1, 0]);
  });

  it('names the file, line and label that training never saw', () => {
    expect(() => encodeLabels(['cat', 'bird'], ['cat', 'dog'], where)).toThrow(
      'validation/v.csv line 3 has label "bird", which the train channel does not have (classes: cat, dog).',
    );
  });

  it('cuts a long label and a long class list short', () => {
    const classes = Array.from({ length: 50 }, (_, k) => `c${k}`);
    const message = (() => {
      try {
        encodeLabels(['x'.repeat(5000)], classes, where);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message.length).toBeLessThan(400);
    expect(message).toContain('c19, ... (50 in all)');
  });
});
