/**
 * An error whose message is the whole story: what went wrong, where, and the fix. Entry points
 * (the Nx executors, CLIs) print its message alone; any other error is a defect and keeps its stack.
 */
export class ExplainedError extends Error {
  override name = 'ExplainedError';
}
