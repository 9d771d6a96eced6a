import { MODEL_FORMAT, type ModelFile } from '../model/model-file.ts';

/** Two features; class "left" when x < 0, "right" when x > 0: a model whose answers tests can predict. */
export const TWO_FEATURE_MODEL: ModelFile = {
  format: MODEL_FORMAT,
  classes: ['left', 'right'],
  featureCount: 2,
  standardization: { mean: [0, 0], std: [1, 1] },
  weights: [
    [-5, 0],
    [5, 0],
  ],
  bias: [0, 0],
  hyperparameters: {},
  metrics: {},
};
