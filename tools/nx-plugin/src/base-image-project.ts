import { basename } from 'node:path';
import type { ProjectConfiguration } from '@nx/devkit';
import { executorTarget } from './executor-target.ts';
import type { ImageConf } from './image-conf.ts';

/** Where the offline stand-in base images' recipes live, one folder each. */
export const BASE_IMAGES_DIR = 'tools/machine/base-images';

/** The Nx project of a base image recipe: `base-<folder>` (a template may be called `node` too). */
export const baseProjectName = (recipe: string) => `base-${recipe}`;

/**
 * The project of tools/machine/base-images/<name>: a `build` target that makes the image, after
 * the image it is built on (image.conf's PARENT), which is also a dependency for nx affected.
 */
export function baseImageProject(root: string, conf: ImageConf) {
  const name = baseProjectName(basename(root));
  const parent = conf.parent ? [baseProjectName(conf.parent)] : [];
  return {
    name,
    root,
    projectType: 'library',
    tags: ['base-image'],
    implicitDependencies: parent,
    targets: {
      build: executorTarget(
        `${name}:build`,
        'base-image',
        `Make ${conf.image}, the offline stand-in for ${conf.standsInFor} (kept when its recipe is unchanged)`,
        {
          inputs: ['{projectRoot}/**/*'],
          // --platform reaches the parent's build too: an arm64 image is built on an arm64 parent.
          dependsOn: [{ dependencies: true, target: 'build', params: 'forward' }],
        },
      ),
    },
  } satisfies ProjectConfiguration;
}
