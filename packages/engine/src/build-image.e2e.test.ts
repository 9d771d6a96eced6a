import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from './build-image.ts';
import { HOST_CA_BUNDLE_PATH } from './host-ca-bundle.ts';
import { ImageBuildError } from './image-build-error.ts';
import { imageSizeBytes, inspectImage } from './inspect-image.ts';
import { sessionId } from './labels.ts';
import { startContainer } from './start-container.ts';
import {
  openEngineTestSession,
  type EngineTestSession,
} from './test-support/engine-test-session.ts';
import { tempContext } from './test-support/temp-context.ts';

let session: EngineTestSession;
beforeAll(async () => {
  session = await openEngineTestSession();
});
afterAll(() => session?.close());

async function run(
  image: string,
  script: string,
): Promise<{ exitCode: number | null; output: string }> {
  await using container = await startContainer(session.docker, {
    image,
    entrypoint: ['/bin/bash', '-c'],
    cmd: [script],
  });
  const { exitCode } = await container.waitForExit(30_000);
  return { exitCode, output: await container.logs() };
}

const twoStage = `
ARG BASE
FROM \${BASE} AS builder
COPY . /ctx
RUN cd /ctx && find . -type f | sort > /listing && wc -c < ${HOST_CA_BUNDLE_PATH} > /ca-bytes
FROM \${BASE}
COPY --from=builder /listing /ca-bytes /
ARG FLAVOUR
RUN echo "flavour=\${FLAVOUR}" > /flavour
`;

describe('buildImage', () => {
  it('sends the context after .dockerignore plus the host CA, which stays out of the final stage; rebuilds from cache', async () => {
    await using ctx = await tempContext({
      Dockerfile: twoStage,
      '.dockerignore': 'secret.txt\n*.log\n',
      'code/train': { content: '#!/bin/sh\n', mode: 0o755 },
      // Unique per run: layers of an earlier run's builder stage would otherwise answer from cache.
      'code/run-id': sessionId,
      'secret.txt': 'never sent',
      'debug.log': 'never sent',
    });
    const [tag, alias] = [session.tag('two-stage'), session.tag('two-stage-alias')];
    const lines: string[] = [];
    const first = await buildImage(session.docker, {
      context: ctx.dir,
      tags: [tag, alias],
      buildArgs: { BASE: session.base, FLAVOUR: 'vanilla' },
      labels: { 'org.example.purpose': 'engine-test' },
      onLine: (line) => lines.push(line),
    });
    expect(first.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lines).toContain('Step 1/9 : ARG BASE');
    expect(first.tags).toEqual([tag, alias]);

    const image = await inspectImage(session.docker, alias);
    expect(image?.Id).toBe(first.imageId);
    expect(image?.Config.Labels?.['org.example.purpose']).toBe('engine-test');
    expect(await imageSizeBytes(session.docker, tag)).toBeGreaterThan(1_000_000);
    expect(
      await inspectImage(session.docker, 'sagemaker-templates/engine-test-missing:nope'),
    ).toBeUndefined();

    const { exitCode, output } = await run(
      tag,
      `cat /listing /flavour; echo "ca-bytes=$(cat /ca-bytes)"; find / -xdev -name host-ca-bundle.pem | wc -l`,
    );
    expect(exitCode).toBe(0);
    const listing = output.trim().split('\n');
    expect(listing).toEqual([
      './.dockerignore',
      `./${HOST_CA_BUNDLE_PATH}`,
      './Dockerfile',
      './code/run-id',
      './code/train',
      'flavour=vanilla',
      expect.stringMatching(/^ca-bytes=\d+$/),
      '0', // no copy of the bundle anywhere in the final stage
    ]);

    const again = await buildImage(session.docker, {
      context: ctx.dir,
      tags: [tag],
      buildArgs: { BASE: session.base, FLAVOUR: 'vanilla' },
      labels: { 'org.example.purpose': 'engine-test' },
    });
    expect(again).toMatchObject({ imageId: first.imageId, cached: true });
    expect(first.cached).toBe(false);
    console.info(
      `[engine] two-stage build: first ${first.durationMs} ms, cached rebuild ${again.durationMs} ms`,
    );

    await ctx.write('debug.log', 'changed, but ignored');
    expect(
      (
        await buildImage(session.docker, {
          context: ctx.dir,
          tags: [tag],
          buildArgs: { BASE: session.base, FLAVOUR: 'vanilla' },
          labels: { 'org.example.purpose': 'engine-test' },
        })
      ).cached,
    ).toBe(true);
    await ctx.write('code/train', '#!/bin/sh\necho v2\n', 0o755);
    expect(
      (
        await buildImage(session.docker, {
          context: ctx.dir,
          tags: [tag],
          buildArgs: { BASE: session.base, FLAVOUR: 'vanilla' },
          labels: { 'org.example.purpose': 'engine-test' },
        })
      ).cached,
    ).toBe(false);
  });

  it('sends an empty bundle when injectHostCa is false', async () => {
    await using ctx = await tempContext({
      Dockerfile: `FROM ${session.base}\nCOPY ${HOST_CA_BUNDLE_PATH} /ca.pem\n`,
    });
    const tag = session.tag('no-ca');
    await buildImage(session.docker, { context: ctx.dir, tags: [tag], injectHostCa: false });
    expect(await run(tag, 'wc -c < /ca.pem')).toEqual({ exitCode: 0, output: '0\n' });
  });

  it('names the failed step, its output and a way to reproduce it', async () => {
    await using ctx = await tempContext({
      Dockerfile: `FROM ${session.base}\nRUN echo preparing\nRUN for i in $(seq 1 30); do echo "line $i"; done; echo "about to fail"; exit 7\nRUN echo never\n`,
    });
    const error = await buildImage(session.docker, {
      context: ctx.dir,
      tags: [session.tag('fails')],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageBuildError);
    const message = (error as Error).message;
    expect(message).toContain('Image build failed at step 3/4 `RUN for i in $(seq 1 30)');
    expect(message).toContain('returned a non-zero code: 7');
    expect(message).toContain('Last 20 output lines:');
    expect(message).toContain('  | about to fail');
    expect(message).not.toContain('  | line 10\n');
    expect(message).toMatch(
      /Hint: reproduce it in the layer before the step with `docker run --rm -it --entrypoint \/bin\/sh [0-9a-f]{12}`/,
    );
    expect((error as ImageBuildError).failure.step?.index).toBe(3);
  });

  it('explains a missing base image', async () => {
    await using ctx = await tempContext({
      Dockerfile: 'FROM sagemaker-templates/engine-test-missing:nope\n',
    });
    const error = await buildImage(session.docker, {
      context: ctx.dir,
      tags: [session.tag('no-base')],
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'Hint: the base image must already be on the engine',
    );
  });

  it('stops when its signal aborts', async () => {
    await using ctx = await tempContext({
      Dockerfile: `FROM ${session.base}\nRUN echo started; sleep 120\n`,
    });
    const controller = new AbortController();
    const started = performance.now();
    let stepContainer = '';
    const build = buildImage(session.docker, {
      context: ctx.dir,
      tags: [session.tag('aborted')],
      signal: controller.signal,
      onLine: (line) => {
        stepContainer = /^ ---> Running in ([0-9a-f]+)$/.exec(line)?.[1] ?? stepContainer;
        if (line === 'started') controller.abort(new Error('test aborts the build'));
      },
    });
    await expect(build).rejects.toThrow('test aborts the build');
    expect(performance.now() - started).toBeLessThan(60_000);
    // The engine cancels the step when the client goes away and, with forcerm, removes its container.
    expect(stepContainer).not.toBe('');
    await expect
      .poll(
        () =>
          session.docker.listContainers({
            all: true,
            filters: JSON.stringify({ id: [stepContainer] }),
          }),
        { timeout: 30_000 },
      )
      .toEqual([]);
  });
});
