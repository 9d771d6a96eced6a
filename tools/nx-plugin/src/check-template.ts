import { basename, join } from 'node:path';
import { main as conformance } from '@sagemaker-templates/conformance/cli';
import { architectureOf, DEFAULT_PLATFORM, type Platform } from '@sagemaker-templates/contract';

/** A template's report name for one platform: `node`, and `node-arm64` for its arm64 image. */
export const reportName = (template: string, platform: Platform): string =>
  platform === DEFAULT_PLATFORM ? template : `${template}-${architectureOf(platform)}`;

/** Runs the conformance CLI on a template's freshly built image; reports go to reports/conformance/. */
export async function checkTemplate(
  root: string,
  image: string,
  extraArgs: string[],
  name: string = basename(root),
): Promise<number> {
  return conformance([
    '--image',
    image,
    '--manifest',
    join(root, 'template.json'),
    '--name',
    name,
    ...extraArgs,
  ]);
}
