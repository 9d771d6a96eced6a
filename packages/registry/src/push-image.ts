import {
  EngineRequestError,
  pushImageEvents,
  tagImage,
  type Engine,
} from '@sagemaker-templates/engine';
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
export async function pushImage(docker: Engine, options: PushImageOptions): Promise<PushedImage> {
  const repo = `${options.registry}/${options.repository}`;
  const reference = `${repo}:${options.tag}`;
  await tagImage(docker, options.source, repo, options.tag);
  const progress = new PushProgress(options.onLine);
  const auth = { ...options.auth, serveraddress: options.registry };
  try {
    for await (const event of pushImageEvents(docker, repo, options.tag, auth))
      progress.feed(event as PushEvent);
  } catch (error) {
    if (!(error instanceof EngineRequestError)) throw error;
    throw new EnginePushError(error.message, { cause: error });
  }
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
