import { ExplainedError } from './explained-error.ts';

/**
 * The platforms SageMaker runs images on: x86_64 instances (every training job, every GPU) and
 * arm64 Graviton instances (ml.c7g, ml.m7g, ml.r7g, …), which serve only.
 */
export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** What SageMaker trains on and what an image is built for unless it says otherwise. */
export const DEFAULT_PLATFORM: Platform = 'linux/amd64';

/** `amd64` or `arm64`: the architecture part of a platform, as image configs spell it. */
export function architectureOf(platform: Platform): 'amd64' | 'arm64' {
  return platform === 'linux/arm64' ? 'arm64' : 'amd64';
}

/** `value` as a Platform, or an error naming `where` and the platforms there are. */
export function parsePlatform(value: string, where: string): Platform {
  const platform = PLATFORMS.find((p) => p === value.trim().toLowerCase());
  if (platform) return platform;
  throw new ExplainedError(
    `${where} is ${JSON.stringify(value)}, not a platform SageMaker runs. Use one of ${PLATFORMS.join(', ')}.`,
  );
}

/**
 * The local reference of `reference`'s image for `platform`. The default platform keeps the
 * reference; another gets `-<arch>` on its tag (`sagemaker-templates/debian:bookworm-arm64`), as
 * an engine without a multi-platform image store keeps one image per reference.
 */
export function platformReference(reference: string, platform: Platform): string {
  if (platform === DEFAULT_PLATFORM) return reference;
  const colon = reference.lastIndexOf(':');
  const hasTag = colon > reference.lastIndexOf('/');
  const [name, tag] = hasTag
    ? [reference.slice(0, colon), reference.slice(colon + 1)]
    : [reference, 'latest'];
  return `${name}:${tag}-${architectureOf(platform)}`;
}
