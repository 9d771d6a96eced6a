import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ndjson } from './build-image.ts';
import { BuildProgress, stripAnsi, type BuildEvent } from './build-progress.ts';

// Shapes as the classic builder of Docker 20.10 sends them.
const fresh: BuildEvent[] = [
  { stream: 'Step 1/5 : ARG BASE\n' },
  { stream: 'Step 2/5 : FROM base AS b' },
  { stream: '\n' },
  { stream: ' ---> 637670ace304\n' },
  { stream: 'Step 3/5 : RUN echo out; echo err >&2\n' },
  { stream: ' ---> Running in 0718acde0cac\n' },
  { stream: 'out\n' },
  { stream: '\u001b[91merr\n\u001b[0m' },
  { stream: 'Removing intermediate container 0718acde0cac\n' },
  { stream: ' ---> e14829a43606\n' },
  { stream: 'Step 4/5 : FROM base\n' },
  { stream: ' ---> 637670ace304\n' },
  { stream: 'Step 5/5 : COPY --from=b /x /x\n' },
  { stream: ' ---> Using cache\n' },
  { stream: ' ---> 14852b219d05\n' },
  { aux: { ID: 'sha256:14852b219d05aaaa' } },
  { stream: 'Successfully built 14852b219d05\n' },
  { stream: 'Successfully tagged t:1\n' },
];

describe('BuildProgress', () => {
  it('follows steps, output lines and the image id', () => {
    const lines: string[] = [];
    const progress = new BuildProgress((line) => lines.push(line));
    for (const event of fresh) progress.feed(event);
    progress.flush();
    expect(
      progress.steps.map((step) => [
        step.index,
        step.total,
        step.instruction,
        step.cached,
        step.imageId,
      ]),
    ).toEqual([
      [1, 5, 'ARG BASE', false, undefined],
      [2, 5, 'FROM base AS b', false, '637670ace304'],
      [3, 5, 'RUN echo out; echo err >&2', false, 'e14829a43606'],
      [4, 5, 'FROM base', false, '637670ace304'],
      [5, 5, 'COPY --from=b /x /x', true, '14852b219d05'],
    ]);
    expect(progress.steps[2]?.parentImageId).toBe('637670ace304');
    expect(progress.steps[2]?.lines).toContain('err');
    expect(progress.imageId).toBe('sha256:14852b219d05aaaa');
    expect(progress.cached).toBe(false);
    expect(lines[1]).toBe('Step 2/5 : FROM base AS b');
    expect(lines).toContain('err');
    expect(progress.error).toBeUndefined();
  });

  it('calls a build cached when every step that made an image, FROM aside, used the cache', () => {
    const progress = new BuildProgress();
    for (const event of fresh)
      progress.feed(
        event.stream === ' ---> Running in 0718acde0cac\n'
          ? { stream: ' ---> Using cache\n' }
          : event,
      );
    expect(progress.cached).toBe(true);
  });

  it('keeps the error and the failing step', () => {
    const progress = new BuildProgress();
    progress.feed({
      stream:
        'Step 1/2 : FROM base\n ---> 637670ace304\nStep 2/2 : RUN exit 3\n ---> Running in abc\npartial',
    });
    progress.feed({
      errorDetail: {
        code: 3,
        message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
      },
      error: 'ignored duplicate',
    });
    expect(progress.error).toBe("The command '/bin/sh -c exit 3' returned a non-zero code: 3");
    expect(progress.currentStep?.instruction).toBe('RUN exit 3');
    expect(progress.currentStep?.lines.at(-1)).toBe('partial');
  });

  it('reports pull progress lines', () => {
    const lines: string[] = [];
    const progress = new BuildProgress((line) => lines.push(line));
    progress.feed({ status: 'Downloading', id: 'abc', progress: '[=>  ] 1MB/10MB' });
    expect(lines).toEqual(['abc Downloading [=>  ] 1MB/10MB']);
  });

  it('strips ANSI colours', () => {
    expect(stripAnsi('\u001b[91mred\u001b[0m')).toBe('red');
  });
});

describe('ndjson', () => {
  it('parses objects split across chunks', async () => {
    const chunks = ['{"stream":"a"}\n{"str', 'eam":"b"}\n\n', '{"aux":{"ID":"x"}}'];
    const events: unknown[] = [];
    for await (const event of ndjson(Readable.from(chunks.map((chunk) => Buffer.from(chunk)))))
      events.push(event);
    expect(events).toEqual([{ stream: 'a' }, { stream: 'b' }, { aux: { ID: 'x' } }]);
  });
});
