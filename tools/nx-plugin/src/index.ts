import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CreateNodes, CreateNodesResult } from '@nx/devkit';
import { BASE_IMAGES_DIR, baseImageProject, baseProjectName } from './base-image-project.ts';
import { readImageConf, type ImageConf } from './image-conf.ts';
import { templateProject } from './template-project.ts';

export { TEMPLATE_TOOLING, templateProject } from './template-project.ts';
export { baseImageProject } from './base-image-project.ts';

/**
 * Infers one project per templates/<name>/template.json (build, conformance, train, serve, transform, push)
 * and one per tools/machine/base-images/<name>/image.conf (build). The executors carry the work;
 * this only says which projects there are and how they depend on each other.
 */
export const createNodes: CreateNodes = [
  `{templates/*/template.json,${BASE_IMAGES_DIR}/*/image.conf}`,
  async (files, _options, context) => {
    const recipes = await readRecipes(context.workspaceRoot, files);
    return Promise.all(
      files.map(async (file): Promise<[string, CreateNodesResult]> => {
        const root = dirname(file);
        const conf = recipes.get(basename(root));
        const project =
          file.endsWith('image.conf') && conf
            ? baseImageProject(root, conf)
            : templateProject(root, await baseOf(join(context.workspaceRoot, file), recipes));
        return [file, { projects: { [root]: project } }];
      }),
    );
  },
];

/** @deprecated Nx 23 names it createNodes; kept for older callers. */
export const createNodesV2 = createNodes;

async function readRecipes(workspaceRoot: string, files: readonly string[]) {
  const confs = files.filter((file) => file.startsWith(`${BASE_IMAGES_DIR}/`));
  const read = await Promise.all(
    confs.map(
      async (file) =>
        [basename(dirname(file)), await readImageConf(join(workspaceRoot, file))] as const,
    ),
  );
  return new Map<string, ImageConf>(read);
}

/**
 * The base project whose image template.json's base.offline names. A manifest that cannot be
 * read here still makes a project: the build says what is wrong with it.
 */
async function baseOf(manifestFile: string, recipes: Map<string, ImageConf>) {
  const manifest = await readFile(manifestFile, 'utf8').then(
    (text) => JSON.parse(text) as { base?: { offline?: unknown } },
    () => undefined,
  );
  const offline = manifest?.base?.offline;
  for (const [recipe, conf] of recipes) if (conf.image === offline) return baseProjectName(recipe);
  return undefined;
}
