import type Docker from 'dockerode';
import { ndjson } from '@sagemaker-templates/engine';
import { PushProgress, type PushEvent } from './push-progress.ts';

/** The registry side of a push through the engine. */
export interface PushImageOptions {
  /** Local image reference or id. */
  source: string;
  /** `host[:port]` pushed to. */
  registry: string;
  repository: string;
  tag: string;
  auth: { username: string; password: string };
  onLine?: (line: string) => void;
}

export interface PushedImage {
  /** `<registry>/<repository>:<tag>` */
  reference: string;
  /** The manifest digest the engine reports. */
  digest: string;
  layers: { pushed: number; existed: number; mounted: number };
  /** Bytes the engine read for the layers it uploaded (before compression). */
  bytesUploaded: number;
}

/** The engine refused or failed the push; `message` is the engine's own words. */
export class EnginePushError extends Error {
  override name = 'EnginePushError';
}

/**
 * Tags the local image as `<registry>/<repository>:<tag>` and pushes it through the engine with the
 * given credentials (sent as X-Registry-Auth, never logged). One attempt; see publishImage for retries.
 */
export async function pushImage(docker: Docker, options: PushImageOptions): Promise<PushedImage> {
  const repo = `${options.registry}/${options.repository}`;
  const reference = `${repo}:${options.tag}`;
  await docker.getImage(options.source).tag({ repo, tag: options.tag });
  const progress = new PushProgress(options.onLine);
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.getImage(repo).push({
      tag: options.tag,
      authconfig: {
        username: options.auth.username,
        password: options.auth.password,
        serveraddress: options.registry,
      },
    })) as NodeJS.ReadableStream;
  } catch (error) {
    throw new EnginePushError(engineText(error), { cause: error });
  }
  for await (const event of ndjson(stream as AsyncIterable<Buffer>))
    progress.feed(event as PushEvent);
  if (progress.error !== undefined) throw new EnginePushError(progress.error);
  if (!progress.digest) {
    throw new EnginePushError(
      `the engine ended the push of ${reference} without reporting a digest`,
    );
  }
  const { pushed, existed, mounted, bytesUploaded } = progress.summary();
  return {
    reference,
    digest: progress.digest,
    layers: { pushed, existed, mounted },
    bytesUploaded,
  };
}

function engineText(error: unknown): string {
  const json = (error as { json?: { message?: string } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}
