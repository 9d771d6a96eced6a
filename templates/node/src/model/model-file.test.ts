import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MODEL_FORMAT,
  parseModelFile,
  readModelFile,
  serializeModel,
  type ModelFile,
} from './model-file.ts';
import { predict } from './model.ts';

const MODEL: ModelFile = {
  format: MODEL_FORMAT,
  classes: [0, 1],
  featureCount: 2,
  standardization: { mean: [0, 0], std: [1, 1] },
  weights: [
    [1, 0],
    [-1, 0],
  ],
  bias: [0, 0],
  hyperparameters: {},
  metrics: {},
};

describe('model.json', () => {
  it('round-trips and predicts from the parsed file', () => {
    const parsed = parseModelFile(serializeModel(MODEL));
    expect(parsed).toEqual(MODEL);
    const [left, right] = predict(parsed, [
      [3, 0],
      [-3, 0],
    ]);
    expect(left!.label).toBe(0);
    expect(right!.label).toBe(1);
    expect(left!.probabilities['0']! + left!.probabilities['1']!).toBeCloseTo(1, 12);
  });

  it.each([
    ['{', /is not valid JSON/],
    ['[]', /it must be a JSON object/],
    [JSON.stringify({ ...MODEL, format: 'other@1' }), /"format" is "other@1", expected/],
    [JSON.stringify({ ...MODEL, classes: [0] }), /"classes" must list at least two labels/],
    [
      JSON.stringify({ ...MODEL, weights: [[1, 0]] }),
      /"weights" must be 2 rows of 2 finite numbers/,
    ],
    [JSON.stringify({ ...MODEL, bias: [0, 'x'] }), /"bias" must be 2 finite numbers/],
    [
      JSON.stringify({ ...MODEL, standardization: { mean: [0, 0], std: [1, 0] } }),
      /"standardization" must hold/,
    ],
  ])('refuses %s, saying why', (text, message) => {
    expect(() => parseModelFile(text, 'model.json')).toThrow(message);
  });

  it('says how to fix a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'model-file-'));
    try {
      await expect(readModelFile(join(dir, 'model.json'))).rejects.toThrow(
        /does not exist\. Point ModelDataUrl at the model\.tar\.gz/,
      );
      await writeFile(join(dir, 'model.json'), serializeModel(MODEL));
      await expect(readModelFile(join(dir, 'model.json'))).resolves.toEqual(MODEL);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
