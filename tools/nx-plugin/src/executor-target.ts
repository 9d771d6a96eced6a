import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';

export const PLUGIN = '@sagemaker-templates/nx-plugin';

interface ExecutorSchema {
  properties: Record<string, { description?: string; default?: unknown }>;
}

const schemas = new Map<string, ExecutorSchema>();

/** The executor's schema.json (read once): the one place its options are described. */
export function executorSchema(executor: string): ExecutorSchema {
  let schema = schemas.get(executor);
  if (!schema) {
    const file = join(import.meta.dirname, 'executors', executor, 'schema.json');
    schema = JSON.parse(readFileSync(file, 'utf8')) as ExecutorSchema;
    schemas.set(executor, schema);
  }
  return schema;
}

/**
 * A target that runs one of this plugin's executors. Never cached by Nx: Nx cannot restore a
 * Docker image, so a cached "success" for an image that no longer exists would be a lie; the
 * executors skip work by content hash instead. The metadata lists the executor's options with
 * their descriptions and defaults (from its schema), so `nx show project` shows them as well as
 * `nx run <project>:<target> --help`.
 */
export function executorTarget(
  task: string,
  executor: string,
  description: string,
  extra: Partial<TargetConfiguration> = {},
): TargetConfiguration {
  const options = Object.fromEntries(
    Object.entries(executorSchema(executor).properties).map(
      ([option, { description, default: value }]) => [
        `--${option}`,
        value === undefined
          ? (description ?? '')
          : `${description ?? ''} [default: ${JSON.stringify(value)}]`,
      ],
    ),
  );
  return {
    executor: `${PLUGIN}:${executor}`,
    options: {},
    cache: false,
    metadata: {
      description,
      technologies: ['docker'],
      options,
      help: { command: `npx nx run ${task} --help`, example: {} },
    },
    ...extra,
  };
}
