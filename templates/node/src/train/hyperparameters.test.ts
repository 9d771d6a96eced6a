import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.ts';
import { decodeHyperparameterValue, parseHyperparameters } from './hyperparameters.ts';

const DEFAULTS = { epochs: 50, learning_rate: 0.1, batch_size: 32, l2: 0, seed: 42 };

function failure(raw: unknown): string {
  try {
    parseHyperparameters(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected parseHyperparameters to throw');
}

describe('decodeHyperparameterValue', () => {
  it.each([
    ['0.1', '0.1'],
    ['"0.1"', '0.1'],
    ['"abc"', 'abc'],
    ['abc', 'abc'],
    ['true', 'true'],
    ['"true"', 'true'],
    ['1e-3', '0.001'],
    ['', ''],
    ['"\\"nested\\""', '"nested"'],
    ['[1,2]', '[1,2]'],
  ])('decodes %j to %j', (raw, decoded) => {
    expect(decodeHyperparameterValue(raw)).toBe(decoded);
  });

  it('turns non-string values (hand-written local files) into text', () => {
    expect(decodeHyperparameterValue(5)).toBe('5');
    expect(decodeHyperparameterValue(false)).toBe('false');
    expect(decodeHyperparameterValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('parseHyperparameters', () => {
  it('fills every default for an empty {}', () => {
    expect(parseHyperparameters({})).toEqual({ values: DEFAULTS, ignored: [] });
  });

  it('gives the same values for plain and JSON-encoded strings', () => {
    const plain = parseHyperparameters({
      epochs: '7',
      learning_rate: '0.5',
      batch_size: '8',
      l2: '0.01',
      seed: '3',
    });
    const encoded = parseHyperparameters({
      epochs: '"7"',
      learning_rate: '"0.5"',
      batch_size: '8',
      l2: '"0.01"',
      seed: '"3"',
    });
    expect(plain.values).toEqual({
      epochs: 7,
      learning_rate: 0.5,
      batch_size: 8,
      l2: 0.01,
      seed: 3,
    });
    expect(encoded.values).toEqual(plain.values);
  });

  it('ignores keys added by the SDK and by tuning jobs, and reports them', () => {
    const { values, ignored } = parseHyperparameters({
      sagemaker_program: '"train.py"',
      sagemaker_region: '"us-east-1"',
      _tuning_objective_metric: '"validation:accuracy"',
      epochs: '3',
    });
    expect(values).toEqual({ ...DEFAULTS, epochs: 3 });
    expect(ignored).toEqual(['sagemaker_program', 'sagemaker_region', '_tuning_objective_metric']);
  });

  it('names the field, the bound, the value and the fix', () => {
    expect(failure({ learning_rate: '-1' })).toBe(
      'Hyperparameter "learning_rate" must be > 0, got "-1". Fix the value in HyperParameters.',
    );
    expect(failure({ learning_rate: '"0"' })).toContain('"learning_rate" must be > 0, got "0"');
    expect(failure({ l2: '-0.5' })).toContain('"l2" must be >= 0, got "-0.5"');
    expect(failure({ epochs: '0' })).toContain('"epochs" must be >= 1, got "0"');
  });

  it('rejects values of the wrong type', () => {
    expect(failure({ epochs: '2.5' })).toBe(
      'Hyperparameter "epochs" must be an integer, got "2.5". Fix the value in HyperParameters.',
    );
    expect(failure({ learning_rate: '"fast"' })).toMatch(
      /"learning_rate" must be a number .*, got "fast"/,
    );
    expect(failure({ batch_size: '' })).toMatch(/"batch_size" must be an integer .*, got ""/);
    expect(failure({ learning_rate: 'Infinity' })).toMatch(
      /"learning_rate" must be a number .*, got "Infinity"/,
    );
    expect(failure({ learning_rate: '500' })).toContain(
      '"learning_rate" must be <= 100, got "500"',
    );
  });

  it.each([
    ['learning_rate', 'NaN'],
    ['learning_rate', 'nan'],
    ['learning_rate', '"NaN"'],
    ['learning_rate', 'inf'],
    ['learning_rate', '-Infinity'],
    ['learning_rate', '0x10'],
    ['learning_rate', '1_0'],
    ['learning_rate', '١'],
    ['epochs', '0x10'],
    ['epochs', 'Infinity'],
    ['seed', '1e400'],
    ['l2', '-1e400'],
  ])('refuses %s=%j, which is no plain decimal number (ajv would coerce some)', (key, value) => {
    expect(failure({ [key]: value })).toMatch(new RegExp(`^Hyperparameter "${key}" `));
  });

  it('refuses an integer beyond 2^53, where distinct values collapse', () => {
    expect(failure({ seed: '9007199254740993' })).toMatch(/^Hyperparameter "seed" must be/);
    expect(failure({ epochs: '1e23' })).toMatch(/^Hyperparameter "epochs" must be/);
  });

  it('cuts a long value short in the message', () => {
    expect(failure({ learning_rate: 'x'.repeat(100_000) }).length).toBeLessThan(300);
    expect(failure({ ['k'.repeat(100_000)]: '1' }).length).toBeLessThan(300);
  });

  it('lists every problem, one per line', () => {
    const lines = failure({ epochs: 'x', learning_rate: '-1' }).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.includes('"epochs"'))).toBe(true);
    expect(lines.some((l) => l.includes('"learning_rate"'))).toBe(true);
  });

  it('rejects an unknown hyperparameter, naming the known ones', () => {
    expect(failure({ learning_rat: '0.1' })).toBe(
      'Unknown hyperparameter "learning_rat". Known hyperparameters: epochs, learning_rate, batch_size, l2, seed. Remove it or check its spelling.',
    );
  });

  it('rejects a file that is not an object', () => {
    expect(failure(['epochs'])).toContain('must hold a JSON object of strings, got an array');
    expect(failure(null)).toContain('got null');
  });
});
