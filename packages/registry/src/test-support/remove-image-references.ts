import { imageReferences, removeImage, type Engine } from '@sagemaker-templates/engine';

/**
 * Removes every tag and digest reference matching `references` (docker `reference` filters), also
 * the digest references a moved tag leaves behind; best effort, for test and bench clean-up.
 */
export async function removeImageReferences(docker: Engine, references: string[]): Promise<void> {
  for (const ref of await imageReferences(docker, references)) {
    await removeImage(docker, ref).catch(() => undefined);
  }
}
