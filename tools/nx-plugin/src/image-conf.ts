import { readFile } from 'node:fs/promises';
import { DEFAULT_PLATFORM, parsePlatform, type Platform } from '@sagemaker-templates/contract';

/** What tools/machine/base-images/<name>/image.conf declares (see tools/machine/README.md). */
export interface ImageConf {
  /** The image reference the recipe makes, e.g. sagemaker-templates/node:22-bookworm. */
  image: string;
  /** The upstream image it stands in for. */
  standsInFor: string;
  /** The recipe folder of the image it is built on; undefined for one built from scratch. */
  parent?: string;
  /** A `sh -c` command run (with no network) in the new image to check it. */
  verify?: string;
  /** The platforms the recipe can make (PLATFORMS, space-separated); default linux/amd64. */
  platforms: Platform[];
}

/**
 * Reads the plain `KEY=value` lines of an image.conf (a shell file that prepare-context.sh
 * may source; the recipes keep to assignments, optionally single- or double-quoted).
 */
export function parseImageConf(text: string, file: string): ImageConf {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const raw = match[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    values.set(match[1] ?? '', quoted ? (quoted[2] ?? '') : raw);
  }
  const image = values.get('IMAGE');
  if (!image) {
    throw new Error(
      `${file} names no IMAGE. Add a line IMAGE=sagemaker-templates/<name>:<tag> (see tools/machine/README.md, Recipes).`,
    );
  }
  const parent = values.get('PARENT');
  const verify = values.get('VERIFY');
  const platforms = (values.get('PLATFORMS') ?? DEFAULT_PLATFORM)
    .split(/\s+/)
    .filter(Boolean)
    .map((value) => parsePlatform(value, `PLATFORMS in ${file}`));
  return {
    image,
    standsInFor: values.get('STANDS_IN_FOR') ?? '',
    platforms,
    ...(parent ? { parent } : {}),
    ...(verify ? { verify } : {}),
  };
}

export async function readImageConf(file: string): Promise<ImageConf> {
  return parseImageConf(await readFile(file, 'utf8'), file);
}
