import { basename, dirname } from 'node:path';
import type { CreateNodesV2, TargetConfiguration } from '@nx/devkit';

/**
 * Infers one Nx project per templates/<name>/template.json, named after the folder, so a copied
 * folder is a working project without edits. Docker targets are never cached by Nx: Nx cannot
 * restore an image, so a cached "success" for an image that no longer exists would be a lie; the
 * build itself skips work by content hash instead.
 */
export const createNodesV2: CreateNodesV2 = [
  'templates/*/template.json',
  async (manifestFiles) =>
    manifestFiles.map((file) => {
      const root = dirname(file);
      return [file, { projects: { [root]: templateProject(root) } }];
    }),
];

const RUN = 'npx --no-install tsx tools/nx-plugin/src/run-target.ts';

/** Inputs that decide whether a template's image changes: its folder and the shared packages. */
const IMAGE_INPUTS = ['{projectRoot}/**/*', { env: 'SAGEMAKER_TEMPLATES_BASE' }];

/**
 * The workspace packages that build, check and push every template: a change to one of them makes
 * every template "affected" (nx affected -t push), since it may change what is built or checked.
 */
export const TEMPLATE_TOOLING = [
  '@sagemaker-templates/contract',
  '@sagemaker-templates/engine',
  '@sagemaker-templates/conformance',
  '@sagemaker-templates/registry',
  '@sagemaker-templates/nx-plugin',
];

export function templateProject(root: string) {
  const name = basename(root);
  const target = (
    command: string,
    description: string,
    extra: Partial<TargetConfiguration> = {},
  ): TargetConfiguration => ({
    executor: 'nx:run-commands',
    options: { command: `${RUN} ${command} ${root}`, cwd: '{workspaceRoot}' },
    cache: false,
    metadata: { description, technologies: ['docker'] },
    ...extra,
  });
  return {
    name,
    root,
    projectType: 'application' as const,
    tags: ['sagemaker-template'],
    implicitDependencies: TEMPLATE_TOOLING,
    targets: {
      build: target(
        'build',
        `Build the image sagemaker-templates/${name} (skipped when its inputs are unchanged)`,
        { inputs: IMAGE_INPUTS },
      ),
      conformance: target(
        'conformance',
        `Check the image against the SageMaker container contract`,
        { dependsOn: ['build'] },
      ),
      train: target(
        'train',
        `Run \`docker run IMAGE train\` as SageMaker does, on the manifest's sample data (--hyperparameters '{"k":"v"}', --channel name=path); the /opt/ml tree is kept under .cache/local-runs/${name}/`,
      ),
      serve: target(
        'serve',
        `Run \`docker run IMAGE serve\` with the last local training run's model (or --model path) on 127.0.0.1:8080 (--port) until Ctrl-C`,
      ),
      // Not dependsOn conformance: push runs the suite itself, and only when this image has not
      // passed it yet (results are keyed on the image id and the suite), then builds nothing twice.
      push: target(
        'push',
        `Build, check (unless this image passed already) and push to Amazon ECR as sagemaker-templates/${name} by default`,
      ),
    },
  };
}
