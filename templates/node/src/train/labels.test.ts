import { describe, expect, it } from 'vitest';
import { classesOf, encodeLabels } from './labels.ts';

describe('classesOf', () => {
  it('keeps integer classes as numbers, sorted numerically', () => {
    expect(classesOf(['10', '2', '2', '-1', '02'])).toEqual([-1, 2, 10]);
  });

  it('keeps names as strings, sorted', () => {
    expect(classesOf(['dog', 'cat', '1'])).toEqual(['1', 'cat', 'dog']);
  });
});

describe('encodeLabels', () => {
  it('maps labels to class indices, "01" and "1" being the same integer class', () => {
    expect(encodeLabels(['1', '01', '0'], [0, 1], 'train')).toEqual([1, 1, 0]);
    expect(encodeLabels(['dog', 'cat'], ['cat', 'dog'], 'train')).toEqual([1, 0]);
  });

  it('names the channel, row and label that training never saw', () => {
    expect(() => encodeLabels(['cat', 'bird'], ['cat', 'dog'], 'validation')).toThrow(
      'Channel "validation" row 2 has label "bird", which the train channel does not have (classes: cat, dog).',
    );
  });
});
