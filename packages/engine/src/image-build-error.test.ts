import { describe, expect, it } from 'vitest';
import type { BuildStep } from './build-progress.ts';
import { failureLines, formatBuildFailure, ImageBuildError } from './image-build-error.ts';

const step = (instruction: string, lines: string[] = [], parentImageId?: string): BuildStep => ({
  index: 3,
  total: 5,
  instruction,
  cached: false,
  lines: [`Step 3/5 : ${instruction}`, ...lines],
  ...(parentImageId ? { parentImageId } : {}),
});

describe('formatBuildFailure', () => {
  it('names the step, shows the output and says how to reproduce a RUN failure', () => {
    const failed = step(
      'RUN make',
      [' ---> Running in abc', 'compiling', 'error: boom'],
      '14852b219d05',
    );
    const message = formatBuildFailure({
      context: '/repo/templates/node',
      dockerfile: '/repo/templates/node/Dockerfile',
      message: "The command '/bin/sh -c make' returned a non-zero code: 2",
      step: failed,
      lastLines: failureLines(failed),
    });
    expect(message).toBe(
      [
        "Image build failed at step 3/5 `RUN make` of /repo/templates/node/Dockerfile: The command '/bin/sh -c make' returned a non-zero code: 2",
        'Last 3 output lines:',
        '  | Step 3/5 : RUN make',
        '  | compiling',
        '  | error: boom',
        'Hint: reproduce it in the layer before the step with `docker run --rm -it --entrypoint /bin/sh 14852b219d05`, then fix the step.',
      ].join('\n'),
    );
  });

  it('points COPY failures at the context and its .dockerignore', () => {
    const message = formatBuildFailure({
      context: '/ctx',
      dockerfile: '/ctx/Dockerfile',
      message: 'COPY failed: file not found',
      step: step('COPY missing /x'),
      lastLines: [],
    });
    expect(message).toContain(
      'Hint: check that the source exists in /ctx and is not excluded by its .dockerignore.',
    );
  });

  it('explains a missing base image and failures outside any step', () => {
    expect(
      formatBuildFailure({
        context: '/ctx',
        dockerfile: '/ctx/Dockerfile',
        message: 'pull access denied for nope',
        step: step('FROM nope'),
        lastLines: [],
      }),
    ).toContain('the base image must already be on the engine');
    const early = formatBuildFailure({
      context: '/ctx',
      dockerfile: '/ctx/Dockerfile',
      message: 'Cannot locate specified Dockerfile: Dockerfile',
      lastLines: [],
    });
    expect(early).toBe(
      'Image build of /ctx/Dockerfile (context /ctx) failed: Cannot locate specified Dockerfile: Dockerfile\nHint: fix the step and build again.',
    );
  });

  it('keeps only the last 20 meaningful lines', () => {
    const many = step(
      'RUN x',
      Array.from({ length: 50 }, (_, i) => `line ${i}`),
    );
    expect(failureLines(many)).toHaveLength(20);
    expect(failureLines(many).at(-1)).toBe('line 49');
  });

  it('is an Error carrying the failure as data', () => {
    const error = new ImageBuildError({
      context: '/c',
      dockerfile: '/c/Dockerfile',
      message: 'boom',
      lastLines: [],
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ImageBuildError');
    expect(error.failure.message).toBe('boom');
  });
});
