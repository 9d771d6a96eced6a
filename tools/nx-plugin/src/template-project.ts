import { basename } from 'node:path';
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { executorTarget } from './executor-target.ts';

/** The tag of every template project: what CI fans out over (tools/ci/affected-templates.ts). */
export const TEMPLATE_TAG = 'sagemaker-template';

/** Inputs that decide whether a template's image changes: its folder and the base mode. */
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
  '@sagemaker-templates/transform',
  '@sagemaker-templates/nx-plugin',
];

/**
 * The project of templates/<name>: named after the folder, so a copied folder is a project without
 * edits. `baseProject` is the offline stand-in base it builds on (template.json's base.offline):
 * its build comes first, and a change to its recipe makes the template affected.
 */
export function templateProject(root: string, baseProject?: string) {
  const name = basename(root);
  const target = (
    executor: string,
    description: string,
    extra: Partial<TargetConfiguration> = {},
  ) => executorTarget(`${name}:${executor}`, executor, description, extra);
  return {
    name,
    root,
    projectType: 'application',
    tags: [TEMPLATE_TAG],
    implicitDependencies: [...TEMPLATE_TOOLING, ...(baseProject ? [baseProject] : [])],
    targets: {
      build: target(
        'build',
        `Build the image sagemaker-templates/${name} (skipped when its inputs are unchanged)`,
        {
          inputs: IMAGE_INPUTS,
          // --platform reaches the base's build: an arm64 image is built on the arm64 stand-in.
          ...(baseProject
            ? { dependsOn: [{ projects: [baseProject], target: 'build', params: 'forward' }] }
            : {}),
        },
      ),
      conformance: target(
        'conformance',
        'Check the image against the SageMaker container contract',
        {
          dependsOn: ['build'],
        },
      ),
      ...localRunTargets(name, target),
      // Not dependsOn conformance: push runs the suite itself, and only when this image has not
      // passed it yet (results are keyed on the image id and the suite), then builds nothing twice.
      push: target(
        'push',
        `Build, check (unless this image passed already) and push to Amazon ECR as sagemaker-templates/${name} by default`,
      ),
    },
  } satisfies ProjectConfiguration;
}

/** The targets that run the image on this machine as SageMaker would: train, serve, transform. */
function localRunTargets(
  name: string,
  target: (executor: string, description: string) => TargetConfiguration,
) {
  return {
    train: target(
      'train',
      `Run \`docker run IMAGE train\` as SageMaker does, on the manifest's sample data; the /opt/ml tree is kept under .cache/local-runs/${name}/`,
    ),
    serve: target(
      'serve',
      "Run `docker run IMAGE serve` with the last local training run's model on 127.0.0.1:8080 until Ctrl-C",
    ),
    transform: target(
      'transform',
      "Run a batch transform job as SageMaker does (--input DIR --output DIR), with the last local training run's model",
    ),
  };
}
