export * from './check.ts';
export { checks } from './checks/index.ts';
export * from './report.ts';
export { runSuite, runCheck, SuiteError, type SuiteOptions } from './runner.ts';
export { toJUnit } from './reporters/junit.ts';
export { formatReport, formatResult, formatSummary } from './reporters/console.ts';
export { catalogueMarkdown, catalogueText } from './catalogue.ts';
export { SUITE_VERSION } from './version.ts';
