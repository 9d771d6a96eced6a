import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import { ExplainedError } from './explained-error.ts';
import { INSTANCE_TYPES, instanceType, type InstanceType } from './instance-types.ts';
import type { Platform } from './platforms.ts';
import type { TemplateManifest } from './types.ts';

const require = createRequire(import.meta.url);
const templateSchema = require('./schemas/template.schema.json') as object;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validateTemplate = ajv.compile(templateSchema);

export class ManifestError extends ExplainedError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `${file} is not a valid template manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ManifestError';
  }
}

/** Turns ajv errors into "field: what is wrong. fix" lines. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'oneOf')
    .map((e) => {
      const field = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : '(top level)';
      switch (e.keyword) {
        case 'required':
          return `${field}: missing required field "${String(e.params.missingProperty)}". Add it.`;
        case 'additionalProperties':
          return `${field}: unknown field "${String(e.params.additionalProperty)}". Remove it or check its spelling.`;
        case 'type':
          return `${field}: must be ${String(e.params.type)}.`;
        case 'enum':
          return `${field}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
        default:
          return `${field}: ${e.message ?? e.keyword}.`;
      }
    });
}

/** Validates a parsed manifest, fills in every default, and returns it typed. */
export function parseManifest(value: unknown, file = 'template.json'): TemplateManifest {
  const copy = structuredClone(value);
  if (!validateTemplate(copy))
    throw new ManifestError(file, describeSchemaErrors(validateTemplate.errors));
  const manifest = copy as TemplateManifest;
  if (manifest.conformance.serving && !manifest.capabilities.serve) {
    throw new ManifestError(file, [
      'conformance.serving: given, but capabilities.serve is false. Set capabilities.serve to true or remove conformance.serving.',
    ]);
  }
  if (manifest.capabilities.serve && !manifest.conformance.serving) {
    throw new ManifestError(file, [
      'conformance.serving: missing, but capabilities.serve is true. Add sample requests so the suite can check serving.',
    ]);
  }
  if (manifest.capabilities.train && !manifest.conformance.training) {
    throw new ManifestError(file, [
      'conformance.training: missing, but capabilities.train is true. Add sample channels so the suite can check training.',
    ]);
  }
  const { train, gpu } = manifest.capabilities;
  if ((train || gpu) && !manifest.platforms.includes('linux/amd64')) {
    throw new ManifestError(file, [
      `platforms: ${JSON.stringify(manifest.platforms)} leaves out linux/amd64, but the image ${train ? 'trains' : 'uses GPUs'}, and SageMaker ${train ? 'trains' : 'runs GPUs'} on x86_64 instances only. Add "linux/amd64" (arm64 images serve on Graviton endpoints).`,
    ]);
  }
  if (manifest.conformance.serving?.model === 'training' && !manifest.capabilities.train) {
    throw new ManifestError(file, [
      'conformance.serving.model: "training" needs capabilities.train. Point it at a model folder instead.',
    ]);
  }
  checkDeployments(manifest, file);
  checkInstanceType(manifest, file);
  return manifest;
}

/** Serverless and asynchronous endpoints serve the image; each is declared or declined, not both. */
function checkDeployments(manifest: TemplateManifest, file: string): void {
  const { capabilities, notDeployedAs, budgets } = manifest;
  for (const kind of ['serverless', 'async'] as const) {
    if (capabilities[kind] && !capabilities.serve)
      throw new ManifestError(file, [
        `capabilities.${kind}: given, but capabilities.serve is false. ${kind === 'async' ? 'An asynchronous' : 'A serverless'} endpoint serves the image: set capabilities.serve to true or remove capabilities.${kind}.`,
      ]);
    if (capabilities[kind] && notDeployedAs[kind] !== undefined)
      throw new ManifestError(file, [
        `notDeployedAs.${kind}: given, but capabilities.${kind} declares that deployment. Remove one of them.`,
      ]);
  }
  const seconds = capabilities.async?.maxRequestSeconds;
  if (seconds !== undefined && budgets.longRequestSeconds >= seconds)
    throw new ManifestError(file, [
      `budgets.longRequestSeconds: ${budgets.longRequestSeconds} s is not under capabilities.async.maxRequestSeconds (${seconds} s), so the server may rightly cut the long request. Lower the budget or raise maxRequestSeconds.`,
    ]);
}

/** Each instanceType names a known instance type of the platform it is for, one the image is built for. */
function checkInstanceType(manifest: TemplateManifest, file: string): void {
  const declared = manifest.instanceType;
  if (declared === undefined) return;
  const named =
    typeof declared === 'string' ? [[undefined, declared] as const] : Object.entries(declared);
  for (const [platform, name] of named) {
    const where = platform ? `instanceType["${platform}"]` : 'instanceType';
    let type: InstanceType;
    try {
      type = instanceType(name!, where);
    } catch (error) {
      throw new ManifestError(file, [(error as Error).message]);
    }
    if (platform && platform !== type.platform)
      throw new ManifestError(file, [
        `${where}: ${type.name} runs ${type.platform} images, not ${platform}. Name a ${platform} instance type there (Graviton: ml.c7g, ml.m7g, ml.r7g; x86_64: ml.m5, ml.c5, ...).`,
      ]);
    if (!manifest.platforms.includes(type.platform))
      throw new ManifestError(file, [
        `${where}: ${type.name} runs ${type.platform} images, which platforms (${manifest.platforms.join(', ')}) leaves out. Pick an instance type of those platforms, or add "${type.platform}".`,
      ]);
  }
}

/**
 * The instance type template.json declares for the images of `platform`: the one named for it, or
 * the single name when it is of that platform; undefined when none is.
 */
export function declaredInstanceType(
  manifest: TemplateManifest,
  platform: string,
): string | undefined {
  const declared = manifest.instanceType;
  if (declared === undefined || typeof declared !== 'string')
    return declared?.[platform as Platform];
  return INSTANCE_TYPES.get(declared.trim().toLowerCase())?.platform === platform
    ? declared
    : undefined;
}

export async function loadManifest(file: string): Promise<TemplateManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ManifestError(file, [
      `cannot be read (${(error as Error).message}). Check the path.`,
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(file, [`is not valid JSON (${(error as Error).message}).`]);
  }
  return parseManifest(value, file);
}
