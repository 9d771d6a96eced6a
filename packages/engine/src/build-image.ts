import type Docker from 'dockerode';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BuildProgress, type BuildEvent } from './build-progress.ts';
import { engineMessage } from './engine-status.ts';
import { HOST_CA_BUNDLE_PATH, readHostCaBundle } from './host-ca-bundle.ts';
import { failureLines, ImageBuildError } from './image-build-error.ts';
import { packContext } from './pack-context.ts';

/** What to build and how to report on it. */
export interface BuildImageOptions {
  /** Folder sent to the engine, filtered by its .dockerignore. */
  context: string;
  /** Dockerfile path, relative to the context or absolute; default `Dockerfile`. */
  dockerfile?: string;
  /** Every tag the image gets (`repo:tag`). */
  tags: string[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** Receives every progress line as it arrives (ANSI colours removed). */
  onLine?: (line: string) => void;
  /** Put the host trust bundle at `.sagemaker-templates/host-ca-bundle.pem` (an empty file when false); default true. */
  injectHostCa?: boolean;
  /** Build only up to this stage. */
  target?: string;
  /** Ignore the engine's build cache. */
  noCache?: boolean;
  /**
   * The platform to build for (`linux/arm64`); default the engine's own. Another architecture's
   * RUN steps need emulation on the host (see hostCanRun), and FROM must name an image of it.
   */
  platform?: string;
  signal?: AbortSignal;
}

/** The built image. */
export interface BuildImageResult {
  /** `sha256:...` id of the image. */
  imageId: string;
  /** True when every step was answered from the build cache. */
  cached: boolean;
  durationMs: number;
  tags: string[];
}

/** Builds an image with the classic builder from a context folder and tags it; throws {@link ImageBuildError} on a failed step. */
export async function buildImage(
  docker: Docker,
  options: BuildImageOptions,
): Promise<BuildImageResult> {
  const started = performance.now();
  const context = path.resolve(options.context);
  const dockerfile = options.dockerfile ?? 'Dockerfile';
  const ca = options.injectHostCa === false ? Buffer.alloc(0) : (await readHostCaBundle()).content;
  const packed = await packContext(context, {
    dockerfile,
    extraFiles: [{ path: HOST_CA_BUNDLE_PATH, content: ca }],
  });
  const progress = new BuildProgress(options.onLine);
  const fail = (message: string): ImageBuildError =>
    new ImageBuildError({
      context,
      dockerfile: path.resolve(context, dockerfile),
      message,
      step: progress.currentStep,
      lastLines: failureLines(progress.currentStep),
    });

  let stream: Readable;
  try {
    stream = await startBuild(docker, packed, options);
  } catch (error) {
    packed.tar.destroy();
    if (options.signal?.aborted) throw options.signal.reason;
    throw fail(engineMessage(error));
  }

  try {
    for await (const event of ndjson(stream)) progress.feed(event as BuildEvent);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw fail(`the engine's progress stream broke: ${engineMessage(error)}`);
  }
  progress.flush();
  if (progress.error !== undefined) throw fail(progress.error);
  if (!progress.imageId) throw fail('the engine ended the build without reporting an image id');
  return {
    imageId: progress.imageId,
    cached: progress.cached,
    durationMs: Math.round(performance.now() - started),
    tags: options.tags,
  };
}

/** Sends the packed context to the classic builder and returns its progress stream. */
async function startBuild(
  docker: Docker,
  packed: Awaited<ReturnType<typeof packContext>>,
  options: BuildImageOptions,
): Promise<Readable> {
  return (await docker.buildImage(
    packed.tar as unknown as NodeJS.ReadableStream,
    {
      dockerfile: packed.dockerfile,
      t: options.tags,
      buildargs: options.buildArgs ?? {},
      labels: options.labels ?? {},
      version: '1',
      rm: true,
      forcerm: true,
      pull: false,
      nocache: options.noCache ?? false,
      ...(options.target ? { target: options.target } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    } as unknown as Docker.ImageBuildOptions,
  )) as Readable;
}

/** Parses a newline-delimited JSON stream, skipping blank lines. */
export async function* ndjson(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  let pending = '';
  for await (const chunk of stream) {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) yield JSON.parse(line);
  }
  if (pending.trim()) yield JSON.parse(pending);
}
