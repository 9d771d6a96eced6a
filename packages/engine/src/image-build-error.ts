import type { BuildStep } from './build-progress.ts';
import { quoteLines } from './log-demux.ts';

/** What went wrong in a build, as data. */
export interface BuildFailure {
  /** The context folder. */
  context: string;
  /** The Dockerfile's path as the user knows it. */
  dockerfile: string;
  message: string;
  step?: BuildStep;
  /** Last output lines, oldest first. */
  lastLines: string[];
}

const NOISE = /^( ---> |Removing intermediate container )/;
const UNREACHABLE =
  /pull access denied|repository does not exist|manifest unknown|not found: manifest|no such host|dial tcp|TLS handshake|i\/o timeout|connection refused/i;

/** A failed image build: names the step, shows its last output lines and says what to do next. */
export class ImageBuildError extends Error {
  override readonly name = 'ImageBuildError';
  constructor(readonly failure: BuildFailure) {
    super(formatBuildFailure(failure));
  }
}

/** The last `count` meaningful output lines of a failed step (builder bookkeeping lines left out). */
export function failureLines(step: BuildStep | undefined, count = 20): string[] {
  return (step?.lines ?? [])
    .filter((line) => !NOISE.test(line) && line.trim() !== '')
    .slice(-count);
}

/** Renders a build failure: what failed where, the last output lines, then a hint. */
export function formatBuildFailure(failure: BuildFailure): string {
  const { context, dockerfile, message, step, lastLines } = failure;
  const what = step
    ? `Image build failed at step ${step.index}/${step.total} \`${step.instruction}\` of ${dockerfile}`
    : `Image build of ${dockerfile} (context ${context}) failed`;
  const lines = lastLines.length
    ? `\nLast ${lastLines.length} output lines:\n${quoteLines(lastLines)}`
    : '';
  return `${what}: ${message}${lines}\nHint: ${buildHint(failure)}`;
}

function buildHint({ context, message, step }: BuildFailure): string {
  const instruction = step?.instruction.trim().split(/\s+/)[0]?.toUpperCase();
  if (instruction === 'FROM' || (!step && UNREACHABLE.test(message))) {
    return 'the base image must already be on the engine (no registry is reachable for pulls here): build or import it first, or pass another BASE_IMAGE.';
  }
  if (instruction === 'COPY' || instruction === 'ADD') {
    return `check that the source exists in ${context} and is not excluded by its .dockerignore.`;
  }
  if (instruction === 'RUN' && step?.parentImageId) {
    return `reproduce it in the layer before the step with \`docker run --rm -it --entrypoint /bin/sh ${step.parentImageId}\`, then fix the step.`;
  }
  return 'fix the step and build again.';
}
