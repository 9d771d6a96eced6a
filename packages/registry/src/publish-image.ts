import type { Engine } from '@sagemaker-templates/engine';
import type { EcrConnection } from './connect-ecr.ts';
import {
  DistributionClient,
  RegistryRequestError,
  type ManifestWithBody,
  type RemoteManifest,
} from './distribution-client.ts';
import {
  ensureRepository,
  type EnsuredRepository,
  type RepositorySettings,
} from './ensure-repository.ts';
import { hostOf } from './ecr-host.ts';
import { PushError } from './push-error.ts';
import { pushIndex, type PlatformImage, type PublishedPlatform } from './publish-index.ts';
import { EnginePushError, pushImage, type PushedImage } from './push-image.ts';
import { isTransientPushError } from './push-progress.ts';
import { explainRegistryError } from './explain-registry-error.ts';
import { getRegistryAuth, type RegistryAuth } from './registry-auth.ts';
import { redactor } from './redactor.ts';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry.ts';

export interface PublishImageOptions {
  docker: Engine;
  ecr: EcrConnection;
  /** The local image: its content-hash tag or id (one platform). */
  image?: string;
  /**
   * Several platforms' images instead: each is pushed under its own content tag, then an image
   * index listing them all under `contentTag`, and the human-facing tags move to the index.
   */
  platforms?: PlatformImage[];
  /** The tag it is pushed under: the content hash of its inputs. */
  contentTag: string;
  /** Human-facing tags (version, latest) moved to it once its digest is verified, in this order. */
  tags: string[];
  repository: RepositorySettings;
  /** Push through this `host[:port]` instead of ECR's registry host (a mirror, a VPC endpoint, a test registry). */
  registry?: string;
  retry?: RetryPolicy;
  log?: (line: string) => void;
  /** For tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** Where a human-facing tag pointed before and after. */
export interface TagMove {
  tag: string;
  /** The digest it named before, if it existed. */
  from?: string;
  to: string;
  moved: boolean;
}

export interface PublishResult {
  /** `up-to-date`: the content-hash tag was already there and nothing was uploaded. */
  status: 'pushed' | 'up-to-date';
  repository: EnsuredRepository;
  /** The host pushed through. */
  registry: string;
  /** `<registry>/<repository>:<contentTag>` */
  reference: string;
  digest: string;
  tags: TagMove[];
  push?: PushedImage;
  /** Each platform's image, when an index was pushed. */
  platforms?: PublishedPlatform[];
  durationMs: number;
}

/**
 * Publishes a local image to ECR: ensures the repository, gets a token, and pushes the image under
 * its content-hash tag unless that tag is already there. Then it checks that the registry serves
 * the pushed digest under that tag, and only then moves the human-facing tags to it by putting the
 * same manifest under them (the OCI way; ECR serves the same API). A failure before that leaves
 * every human-facing tag where it was.
 */
export async function publishImage(options: PublishImageOptions): Promise<PublishResult> {
  const started = performance.now();
  const run = await openPublish(options);
  const { remote, before } = await readRemoteTags(run, options);
  let digest: string;
  let pushed: PushedImage | undefined;
  let platforms: PublishedPlatform[] | undefined;
  if (remote) {
    digest = remote.digest;
    run.log(`${run.reference} is already there (${digest}); nothing to upload`);
  } else if (options.platforms && options.platforms.length > 0) {
    const pushOne = (image: string, tag: string) => pushAndVerify(run, options, image, tag);
    ({
      digest,
      push: pushed,
      platforms,
    } = await pushIndex({ ...run, pushOne }, options.platforms, options.contentTag));
  } else {
    if (!options.image) throw new PushError('publishImage needs an image or platforms.');
    pushed = await pushAndVerify(run, options, options.image, options.contentTag);
    digest = pushed.digest;
  }
  const { client, name, retrying, log } = run;
  const tags = await moveTags({ client, name, digest, before, retrying, log });
  return {
    status: remote ? 'up-to-date' : 'pushed',
    repository: run.repository,
    registry: run.registry,
    reference: run.reference,
    digest,
    tags,
    ...(pushed ? { push: pushed } : {}),
    ...(platforms ? { platforms } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

/** What every step of one publish shares: where it goes, how it logs, retries and explains failures. */
export interface PublishRun {
  repository: EnsuredRepository;
  registry: string;
  name: string;
  reference: string;
  auth: RegistryAuth;
  client: DistributionClient;
  /** "Nothing was tagged: ..." for failures that leave every human-facing tag where it was. */
  untouched: string;
  log: (line: string) => void;
  retrying: <T>(what: string, operation: () => Promise<T>) => Promise<T>;
  explain: (error: unknown) => Error;
}

/** Ensures the repository (saying how it differs from template.json) and gets a registry token. */
async function openPublish(options: PublishImageOptions): Promise<PublishRun> {
  const log = (line: string) => options.log?.(redactor.redact(line));
  const name = options.repository.name;
  const repository = await ensureRepository(options.ecr, options.repository);
  log(
    repository.created
      ? `created repository ${repository.uri} (scan on push ${options.repository.scanOnPush ? 'on' : 'off'}, tags ${repository.immutable ? 'immutable' : 'mutable'}${options.repository.lifecyclePolicy ? ', lifecycle policy' : ''})`
      : `repository ${repository.uri}`,
  );
  for (const difference of repository.differences) {
    log(`note: the existing repository differs from template.json: ${difference}; left as it is.`);
  }
  if (repository.immutable && options.tags.includes('latest')) {
    throw new PushError(
      `Repository ${repository.uri} has immutable tags, so "latest" cannot move. Set push.latest to false in template.json (or pass --no-latest), or make the repository's tags mutable.`,
    );
  }
  const auth = await getRegistryAuth(options.ecr, {
    ...(options.repository.accountId ? { accountId: options.repository.accountId } : {}),
  });
  const registry = options.registry ?? (hostOf(`https://${repository.uri}`) || auth.registry);
  const client = new DistributionClient({
    registry,
    auth,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const n = options.tags.length;
  const untouched = `Nothing was tagged: ${n > 0 ? options.tags.join(', ') : 'no human-facing tag'} ${n === 1 ? 'stays' : 'stay'} where ${n === 1 ? 'it was' : 'they were'}.`;
  const explain = (error: unknown) =>
    explainRegistryError(error, { registry, repository: repository.uri, auth, untouched });
  const retrying = <T>(what: string, operation: () => Promise<T>) =>
    retryWith(
      options,
      log,
      what,
      operation,
      (error) => error instanceof RegistryRequestError && error.retryable,
    ).catch((error: unknown) => {
      throw explain(error);
    });
  const reference = `${registry}/${name}:${options.contentTag}`;
  return { repository, registry, name, reference, auth, client, untouched, log, retrying, explain };
}

/** `operation` under the retry policy, each failed attempt logged as `what`. */
function retryWith<T>(
  options: PublishImageOptions,
  log: (line: string) => void,
  what: string,
  operation: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
): Promise<T> {
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  return withRetries(operation, {
    policy,
    isRetryable,
    onRetry: ({ attempt, delayMs, error }) =>
      log(
        `${what}: attempt ${attempt} of ${policy.attempts} failed (${(error as Error).message}); retrying in ${(delayMs / 1000).toFixed(1)} s`,
      ),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

/** What the registry holds under the content tag and each human-facing tag; immutable tags are checked. */
async function readRemoteTags(run: PublishRun, options: PublishImageOptions) {
  const { client, name, retrying } = run;
  const remote = await retrying(`HEAD ${name}:${options.contentTag}`, () =>
    client.headManifest(name, options.contentTag),
  );
  const before = new Map<string, RemoteManifest | undefined>();
  for (const tag of options.tags) {
    before.set(tag, await retrying(`HEAD ${name}:${tag}`, () => client.headManifest(name, tag)));
  }
  if (run.repository.immutable) {
    for (const [tag, current] of before) {
      if (current && current.digest !== remote?.digest) {
        throw new PushError(
          `Tag ${tag} already names another image (${current.digest}) in ${run.repository.uri}, whose tags are immutable. Bump "version" in the template's template.json, then push again. ${run.untouched}`,
        );
      }
    }
  }
  return { remote, before };
}

/** Pushes `source` under `tag` through the engine, then checks the registry serves that digest. */
async function pushAndVerify(
  run: PublishRun,
  options: PublishImageOptions,
  source: string,
  tag: string,
): Promise<PushedImage> {
  const { client, name, registry, log } = run;
  const reference = `${registry}/${name}:${tag}`;
  log(`pushing ${reference}`);
  const push = () =>
    pushImage(options.docker, {
      source,
      registry,
      repository: name,
      tag,
      auth: run.auth,
      onLine: (line) => log(`  ${line}`),
    });
  const transient = (error: unknown) =>
    error instanceof EnginePushError && isTransientPushError(error.message);
  const pushed = await retryWith(options, log, 'push', push, transient).catch((error: unknown) => {
    throw run.explain(error);
  });
  const served = await run.retrying(`HEAD ${name}:${tag}`, () => client.headManifest(name, tag));
  if (served?.digest !== pushed.digest) {
    throw new PushError(
      `The registry serves ${served ? served.digest : 'nothing'} under ${reference}, but the engine pushed ${pushed.digest}. Something between this machine and ${registry} altered or lost the image. ${run.untouched}`,
    );
  }
  log(`verified: ${registry} serves ${pushed.digest} under ${name}:${tag}`);
  return pushed;
}

/** Puts the verified manifest under each tag; on a failure, puts back what the moved ones named. */
async function moveTags(args: {
  client: DistributionClient;
  name: string;
  digest: string;
  before: Map<string, RemoteManifest | undefined>;
  retrying: <T>(what: string, operation: () => Promise<T>) => Promise<T>;
  log: (line: string) => void;
}): Promise<TagMove[]> {
  const { client, name, digest, before, retrying, log } = args;
  const moves: TagMove[] = [];
  let manifest: ManifestWithBody | undefined;
  for (const [tag, current] of before) {
    if (current?.digest === digest) {
      moves.push({ tag, from: digest, to: digest, moved: false });
      continue;
    }
    try {
      manifest ??= await retrying(`GET ${name}@${digest}`, () => client.getManifest(name, digest));
      const body = manifest;
      await retrying(`PUT ${name}:${tag}`, () => client.putManifest(name, tag, body));
      const now = await retrying(`HEAD ${name}:${tag}`, () => client.headManifest(name, tag));
      if (now?.digest !== digest) {
        throw new PushError(
          `After moving ${tag}, the registry serves ${now?.digest ?? 'nothing'} under it instead of ${digest}.`,
          { tagsUntouched: false },
        );
      }
    } catch (error) {
      const restored = await restore(client, name, moves, log);
      const message = error instanceof Error ? error.message : String(error);
      throw new PushError(
        `Moving tag ${tag} to ${digest} failed: ${message}${
          moves.some((m) => m.moved)
            ? ` Tags moved before it were ${restored ? 'put back' : 'NOT all put back; check them'}: ${moves
                .filter((m) => m.moved)
                .map((m) => m.tag)
                .join(', ')}.`
            : ''
        }`,
        { cause: error, tagsUntouched: restored },
      );
    }
    moves.push({ tag, ...(current ? { from: current.digest } : {}), to: digest, moved: true });
    log(`tag ${tag}: ${current ? `${current.digest} -> ` : ''}${digest}`);
  }
  return moves;
}

async function restore(
  client: DistributionClient,
  name: string,
  moves: TagMove[],
  log: (line: string) => void,
): Promise<boolean> {
  let ok = true;
  for (const move of moves.filter((m) => m.moved)) {
    try {
      // A tag that did not exist before cannot be removed through this API; it stays on the new image.
      if (!move.from) {
        ok = false;
        continue;
      }
      const previous = await client.getManifest(name, move.from);
      await client.putManifest(name, move.tag, previous);
      log(`tag ${move.tag}: put back to ${move.from}`);
    } catch {
      ok = false;
    }
  }
  return ok;
}
