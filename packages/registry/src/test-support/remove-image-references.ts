import type Docker from 'dockerode';

/**
 * Removes every tag and digest reference matching `references` (docker `reference` filters), also
 * the digest references a moved tag leaves behind; best effort, for test and bench clean-up.
 */
export async function removeImageReferences(docker: Docker, references: string[]): Promise<void> {
  const listed = await docker.listImages({ filters: JSON.stringify({ reference: references }) });
  for (const ref of listed.flatMap((image) => [
    ...(image.RepoTags ?? []),
    ...(image.RepoDigests ?? []),
  ])) {
    await docker
      .getImage(ref)
      .remove()
      .catch(() => undefined);
  }
}
