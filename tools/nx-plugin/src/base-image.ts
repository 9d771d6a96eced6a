import { inspectImage, pullImage, tagReference, type Engine } from '@sagemaker-templates/engine';
import {
  architectureOf,
  DEFAULT_PLATFORM,
  ExplainedError,
  platformReference,
  type Platform,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import { pullAuthFor } from './base-pull-auth.ts';

export type BaseMode = 'upstream' | 'offline' | 'auto';

export interface ResolvedBase {
  ref: string;
  id: string;
  kind: 'upstream' | 'offline';
  note?: string;
}

export function baseMode(value = process.env.SAGEMAKER_TEMPLATES_BASE ?? 'auto'): BaseMode {
  if (value === 'upstream' || value === 'offline' || value === 'auto') return value;
  throw new ExplainedError(
    `SAGEMAKER_TEMPLATES_BASE=${JSON.stringify(value)} is not valid. Use upstream (the real base, default for users), offline (the locally made stand-in) or auto.`,
  );
}

/**
 * Picks the base image for `platform`: `upstream` is the template's real base (pulled if missing
 * or of another architecture), `offline` the locally made stand-in, and `auto` the upstream base
 * when it is here or can be pulled, else the stand-in, said loudly, since an image on a stand-in
 * base must not be pushed by mistake. Another platform than linux/amd64 uses `<tag>-<arch>`.
 */
export async function resolveBase(
  docker: Engine,
  manifest: TemplateManifest,
  mode: BaseMode,
  platform: Platform = DEFAULT_PLATFORM,
): Promise<ResolvedBase> {
  const { upstream, offline } = manifest.base;
  if (mode === 'offline') return offlineBase(docker, manifest, platform);
  const real = await upstreamBase(docker, upstream, platform);
  if (!('error' in real)) return real;
  const stand =
    mode === 'auto' && offline ? await offlineBase(docker, manifest, platform) : undefined;
  if (stand) {
    const note = `upstream base ${real.ref} could not be pulled (${real.error}); building on the offline stand-in ${stand.ref}. Set SAGEMAKER_TEMPLATES_BASE=upstream to require the real base.`;
    return { ...stand, note };
  }
  const hint = offline
    ? ` or use the offline stand-in (make it with \`${makeOfflineCommand(platform)}\`, then set SAGEMAKER_TEMPLATES_BASE=offline)`
    : '';
  throw new Error(
    `the base image ${real.ref} is not on this engine and could not be pulled (${real.error}). Log in to its registry${hint}.`,
  );
}

const makeOfflineCommand = (platform: Platform) =>
  `SAGEMAKER_TEMPLATES_BASE=offline npx nx run-many -t build --projects=tag:base-image${platform === DEFAULT_PLATFORM ? '' : ` --platform ${platform}`}`;

/** The stand-in of base.offline for `platform`; an error saying how to make it when it is missing. */
async function offlineBase(
  docker: Engine,
  manifest: TemplateManifest,
  platform: Platform,
): Promise<ResolvedBase> {
  const { upstream, offline } = manifest.base;
  if (!offline)
    throw new Error(
      `template.json declares no base.offline stand-in for ${upstream}. Add one, or build with SAGEMAKER_TEMPLATES_BASE=upstream.`,
    );
  const ref = platformReference(offline, platform);
  const info = await inspectImage(docker, ref);
  if (!info)
    throw new Error(
      `the offline base ${ref} is not on this engine. Make it with \`${makeOfflineCommand(platform)}\`.`,
    );
  return { ref, id: info.Id, kind: 'offline' };
}

/** The upstream base of `platform` here (pulled when missing or of another architecture), or why not. */
async function upstreamBase(
  docker: Engine,
  upstream: string,
  platform: Platform,
): Promise<ResolvedBase | { ref: string; error: string }> {
  const ref = platformReference(upstream, platform);
  const local = await inspectImage(docker, ref);
  if (local?.Architecture === architectureOf(platform))
    return { ref, id: local.Id, kind: 'upstream' };
  const error = await pullAs(docker, upstream, platform, ref);
  const pulled = error ? undefined : await inspectImage(docker, ref);
  return pulled
    ? { ref, id: pulled.Id, kind: 'upstream' }
    : { ref, error: error ?? 'not here after the pull' };
}

/**
 * Pulls `upstream`'s `platform` image and names it `ref`. The engine keeps one image per
 * reference, so for another platform the plain reference goes back to the image it named before.
 */
async function pullAs(
  docker: Engine,
  upstream: string,
  platform: Platform,
  ref: string,
): Promise<string | undefined> {
  const before = ref === upstream ? undefined : (await inspectImage(docker, upstream))?.Id;
  const { auth, note } = await pullAuthFor(upstream);
  try {
    await pullImage(docker, upstream, { platform, ...(auth ? { auth } : {}) });
    if (ref !== upstream) {
      await tagReference(docker, upstream, ref);
      if (before) await tagReference(docker, before, upstream);
    }
    return undefined;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    return note ? `${reason} (${note})` : reason;
  }
}
