export { batchRecords, type Batch, type BatchStrategy } from './batches.ts';
export {
  executionParameters,
  type ExecutionParameters,
  type ExecutionSettings,
} from './execution-parameters.ts';
export { recordIO, splitRecords, type SplitType } from './records.ts';
export { TransformError } from './transform-error.ts';
export {
  runTransform,
  type Endpoint,
  type FileResult,
  type TransformJob,
  type TransformProgress,
  type TransformResult,
} from './transform-job.ts';
export { transformEnvironment } from './transform-environment.ts';
