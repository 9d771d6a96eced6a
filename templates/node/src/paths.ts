import { join } from 'node:path';

/** Where SageMaker puts everything; tests point SM_BASE_DIR at a temporary tree instead. */
export const DEFAULT_BASE_DIR = '/opt/ml';

export interface SageMakerPaths {
  base: string;
  hyperparameters: string;
  inputDataConfig: string;
  resourceConfig: string;
  data: string;
  model: string;
  modelFile: string;
  output: string;
  outputData: string;
  failure: string;
}

export function sageMakerPaths(base = process.env.SM_BASE_DIR || DEFAULT_BASE_DIR): SageMakerPaths {
  const config = join(base, 'input', 'config');
  return {
    base,
    hyperparameters: join(config, 'hyperparameters.json'),
    inputDataConfig: join(config, 'inputdataconfig.json'),
    resourceConfig: join(config, 'resourceconfig.json'),
    data: join(base, 'input', 'data'),
    model: join(base, 'model'),
    modelFile: join(base, 'model', 'model.json'),
    output: join(base, 'output'),
    outputData: join(base, 'output', 'data'),
    failure: join(base, 'output', 'failure'),
  };
}

export function channelDir(paths: SageMakerPaths, channel: string): string {
  return join(paths.data, channel);
}
