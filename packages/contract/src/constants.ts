/**
 * Every path, variable name and number of the SageMaker container contract, in one place.
 * Clause ids (T1, I5, ...) refer to conformance/CONTRACT.md.
 */

export const OPT_ML = '/opt/ml';

export const paths = {
  root: OPT_ML,
  input: `${OPT_ML}/input`,
  config: `${OPT_ML}/input/config`,
  hyperparameters: `${OPT_ML}/input/config/hyperparameters.json`, // T8
  inputDataConfig: `${OPT_ML}/input/config/inputdataconfig.json`, // T11
  resourceConfig: `${OPT_ML}/input/config/resourceconfig.json`, // T12
  data: `${OPT_ML}/input/data`, // T16
  model: `${OPT_ML}/model`, // T17, I9
  output: `${OPT_ML}/output`,
  outputData: `${OPT_ML}/output/data`,
  failure: `${OPT_ML}/output/failure`, // T18
  checkpoints: `${OPT_ML}/checkpoints`,
  code: `${OPT_ML}/code`,
  models: `${OPT_ML}/models`, // M2: where an MME stages each model
} as const;

export const env = {
  bindToPort: 'SAGEMAKER_BIND_TO_PORT', // I13
  safePortRange: 'SAGEMAKER_SAFE_PORT_RANGE', // I13
  batch: 'SAGEMAKER_BATCH', // B2
  maxPayloadInMb: 'SAGEMAKER_MAX_PAYLOAD_IN_MB', // B2
  batchStrategy: 'SAGEMAKER_BATCH_STRATEGY', // B2
  maxConcurrentTransforms: 'SAGEMAKER_MAX_CONCURRENT_TRANSFORMS', // B2
  modelServerWorkers: 'SAGEMAKER_MODEL_SERVER_WORKERS',
  modelServerTimeout: 'SAGEMAKER_MODEL_SERVER_TIMEOUT',
  trainingJobName: 'TRAINING_JOB_NAME', // T23
} as const;

export const labels = {
  acceptBindToPort: 'com.amazonaws.sagemaker.capabilities.accept-bind-to-port', // M6
  multiModels: 'com.amazonaws.sagemaker.capabilities.multi-models', // M1
} as const;

export const limits = {
  servingPort: 8080, // I4
  pingTimeoutMs: 2_000, // I5: per-request timeout of a health check
  pingStartupBudgetMs: 240_000, // I5: 4 minutes to the first healthy /ping
  sdkLocalPingWindowMs: 110_000, // L9
  invocationsTimeoutMs: 60_000, // I6
  realtimeMaxPayloadBytes: 6 * 1024 * 1024, // I7: "less than 6 MB"
  batchMaxPayloadMb: 100, // B4
  servingSigtermGraceMs: 30_000, // I11
  trainingSigtermGraceMs: 120_000, // T20
  failureReasonChars: 1024, // T18
  maxHyperparameters: 100, // T9
  maxHyperparameterLength: 256, // T9
  acceptConnectionsMs: 250, // I4
  serverlessPingWindowMs: 180_000, // I5: 3 minutes to the first healthy /ping, model load included
  serverlessMaxPayloadBytes: 4 * 1024 * 1024, // I7, 9.10: the serverless page's 4 MB
  asyncMaxPayloadMb: 1024, // I7, I15: 1 GB
  asyncMaxRequestSeconds: 3_600, // I15: InvocationTimeoutSeconds at most one hour (default 900)
} as const;

export const commands = { train: 'train', serve: 'serve' } as const; // T1, I1
