import { basename, join } from 'node:path';
import { main as conformance } from '@sagemaker-templates/conformance/cli';

/** Runs the conformance CLI on a template's freshly built image; reports go to reports/conformance/. */
export async function checkTemplate(
  root: string,
  image: string,
  extraArgs: string[],
): Promise<number> {
  const name = basename(root);
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
