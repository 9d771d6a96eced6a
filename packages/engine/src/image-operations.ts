import { hasEngineStatus } from './engine-status.ts';
import { ndjson } from './build-image.ts';
import type { Engine } from './connect-engine.ts';

/** Credentials for one registry, sent to the engine as X-Registry-Auth (never logged). */
export interface RegistryAuth {
  username: string;
  password: string;
  /** `host[:port]` of the registry. */
  serveraddress: string;
}

/** The engine refused an image operation; `message` is the engine's own words. */
export class EngineRequestError extends Error {
  override name = 'EngineRequestError';
}

/** Points `repository:tag` at a local image (reference or id). */
export async function tagImage(
  docker: Engine,
  source: string,
  repository: string,
  tag: string,
): Promise<void> {
  await docker.getImage(source).tag({ repo: repository, tag });
}

/** Points a whole reference (`repository[:tag]`, tag default latest) at a local image. */
export function tagReference(docker: Engine, source: string, reference: string): Promise<void> {
  const colon = reference.lastIndexOf(':');
  const tagged = colon > reference.lastIndexOf('/');
  const repository = tagged ? reference.slice(0, colon) : reference;
  return tagImage(docker, source, repository, tagged ? reference.slice(colon + 1) : 'latest');
}

/**
 * Pushes `repository:tag` through the engine and yields its progress events (the JSON lines of
 * the push API) as they come; an engine error before the stream starts is an EngineRequestError.
 */
export async function* pushImageEvents(
  docker: Engine,
  repository: string,
  tag: string,
  auth: RegistryAuth,
): AsyncGenerator<Record<string, unknown>> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker
      .getImage(repository)
      .push({ tag, authconfig: auth })) as NodeJS.ReadableStream;
  } catch (error) {
    throw new EngineRequestError(engineText(error), { cause: error });
  }
  for await (const event of ndjson(stream as AsyncIterable<Buffer>))
    yield event as Record<string, unknown>;
}

/**
 * Credentials for a pull from a private registry (an ECR token). The engine does not read the
 * docker CLI's logins for pulls asked through its API, so they travel with the request.
 */
export interface PullAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/**
 * Pulls `reference` (the `platform` image of a multi-platform one, when given), waiting until the
 * engine has it; throws with the engine's words on failure.
 */
export async function pullImage(
  docker: Engine,
  reference: string,
  { platform, auth }: { platform?: string; auth?: PullAuth } = {},
): Promise<void> {
  let stream: NodeJS.ReadableStream;
  const options = { ...(platform ? { platform } : {}), ...(auth ? { authconfig: auth } : {}) };
  try {
    stream = (await docker.pull(reference, options)) as NodeJS.ReadableStream;
  } catch (error) {
    throw new EngineRequestError(engineText(error), { cause: error });
  }
  for await (const event of ndjson(stream as AsyncIterable<Buffer>)) {
    const { error } = event as { error?: string };
    if (error) throw new EngineRequestError(error);
  }
}

/** Removes one tag or digest reference; an image that is already gone is fine. */
export async function removeImage(docker: Engine, reference: string): Promise<void> {
  try {
    await docker.getImage(reference).remove();
  } catch (error) {
    if (!hasEngineStatus(error, 404)) throw error;
  }
}

/** Every tag and digest reference of the local images matching docker `reference` filters. */
export async function imageReferences(docker: Engine, filters: string[]): Promise<string[]> {
  const listed = await docker.listImages({ filters: JSON.stringify({ reference: filters }) });
  return listed.flatMap((image) => [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])]);
}

/** One layer of an image, as `docker history` lists it. */
export interface ImageLayer {
  Id: string;
  Created: number;
  CreatedBy: string;
  Size: number;
}

/** The layers of an image, newest first. */
export function imageHistory(docker: Engine, reference: string): Promise<ImageLayer[]> {
  return docker.getImage(reference).history() as Promise<ImageLayer[]>;
}

/** The image as a `docker save` tar stream. */
export function exportImage(docker: Engine, reference: string): Promise<NodeJS.ReadableStream> {
  return docker.getImage(reference).get();
}

function engineText(error: unknown): string {
  const json = (error as { json?: { message?: string } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}
