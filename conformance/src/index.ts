export * from './check.ts';
export { checks } from './checks/index.ts';
export * from './report.ts';
export { runSuite, runCheck, SuiteError, type SuiteOptions } from './runner.ts';
export { toJUnit } from './reporters/junit.ts';
export { formatReport, formatResult, formatSummary } from './reporters/console.ts';
export { catalogueMarkdown, catalogueText } from './catalogue.ts';
export { SUITE_VERSION } from './version.ts';
export { DEFAULT_FUZZ_COUNT } from './runner.ts';
export { BlockedError } from './blocked-error.ts';
export type * from './observations.ts';
export { DockerProbes } from './probes/docker-probes.ts';
// The robustness profile's parts, for tools/bench/robustness.ts.
export { fuzzRun, type FuzzRun } from './checks/support/fuzz-run.ts';
export { histogram } from './checks/robust/serve-garbage.ts';
export { hyperparameterTrainings } from './checks/robust/train-hyperparameters.ts';
export { dataTrainings } from './checks/robust/train-data.ts';
export { garbageRunProblem, runGarbageTrainings } from './checks/support/training-cases.ts';
export { newSeed } from './robustness/random.ts';
