import { PushError } from './push-error.ts';

/** What an image was built for, as the engine reports it (ImageInspect Os / Architecture / Variant). */
export interface ImagePlatform {
  Os?: string;
  Architecture?: string;
  Variant?: string;
}

/**
 * Refuses an image SageMaker cannot run: not Linux, or not x86_64 for training. An arm64 image
 * that only serves is allowed with a warning (it runs on Graviton instances only).
 * Returns the warnings to print.
 */
export function checkImagePlatform(
  image: string,
  platform: ImagePlatform,
  capabilities: { train: boolean; serve: boolean; gpu?: boolean },
  /** The platform it is pushed as, one of several in an image index. */
  expected?: string,
): string[] {
  const os = platform.Os ?? 'unknown';
  const arch = platform.Architecture ?? 'unknown';
  const built = `${os}/${arch}${platform.Variant && platform.Variant !== 'v8' ? `/${platform.Variant}` : ''}`;
  if (expected) return checkIndexEntry(image, built, expected);
  const rebuild =
    'Rebuild it for linux/amd64 (DOCKER_DEFAULT_PLATFORM=linux/amd64, or `docker build --platform linux/amd64`; on an arm64 machine this needs QEMU/binfmt), then push again.';
  if (os !== 'linux') {
    throw new PushError(
      `${image} is built for ${built}; SageMaker runs linux images only. ${rebuild}`,
    );
  }
  if (arch === 'amd64') return [];
  if (arch === 'arm64' && !capabilities.train && !capabilities.gpu) {
    return [
      `${image} is built for ${built}: it serves only on Graviton instance types (ml.c7g, ml.m7g, ml.r7g, ...), not on x86_64 ones.`,
    ];
  }
  const why = capabilities.train
    ? 'SageMaker training jobs run on x86_64 instances only'
    : capabilities.gpu
      ? 'SageMaker GPU instances are x86_64'
      : 'SageMaker instances are x86_64 or arm64 (Graviton)';
  throw new PushError(`${image} is built for ${built}, but ${why}. ${rebuild}`);
}

/** One platform's image in an index: it must be what it stands for; arm64 serves only. */
function checkIndexEntry(image: string, built: string, expected: string): string[] {
  if (built !== expected)
    throw new PushError(
      `${image} is built for ${built}, but it would be pushed as the ${expected} image. Rebuild it with \`nx run <template>:build --platform ${expected}\`, then push again.`,
    );
  return expected === 'linux/amd64'
    ? []
    : [
        `${image} (${expected}) serves on Graviton instance types (ml.c7g, ml.m7g, ml.r7g, ...); training jobs and x86_64 instances take the index's linux/amd64 image.`,
      ];
}
