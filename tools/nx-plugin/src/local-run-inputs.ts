import { mkdir, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import {
  DEFAULT_PLATFORM,
  declaredInstanceType,
  ExplainedError,
  instanceMemoryBytes,
  instanceType,
  loadManifest,
  type InstanceType,
  type ChannelSample,
  type Platform,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import {
  connectEngine,
  engineCanRun,
  engineOffersGpus,
  sizedHostConfig,
  type Engine,
  type InstanceResources,
} from '@sagemaker-templates/engine';
import { buildTemplate } from './build-template.ts';

/** A local run the user asked for wrongly: the message names the option and the fix. */
export class LocalRunError extends ExplainedError {
  override name = 'LocalRunError';
}

export type GpuChoice = 'auto' | 'all' | 'none';

/** Where local runs keep their /opt/ml trees, one folder per template (git-ignored). */
export const localRunsDir = (name: string) => join(process.cwd(), '.cache', 'local-runs', name);

/** What a local run of a template starts from. */
export interface LocalRunStart<T> {
  name: string;
  engine: Engine;
  /** The template's image, built (or found up to date) just now. */
  image: string;
  /** This template's folder under .cache/local-runs, made if missing. */
  runsDir: string;
  /** What `choose` made of the options. */
  inputs: T;
  /** The engine's platform option: set for another platform than linux/amd64. */
  platform: { platform?: Platform };
}

/**
 * Reads the template's manifest, lets `choose` turn the options into the run's inputs (before the
 * build, so a wrong option fails at once), builds the image and makes the local-runs folder.
 */
export async function startLocalRun<T>(
  root: string,
  choose: (manifest: TemplateManifest, name: string) => Promise<T>,
  platform: Platform = DEFAULT_PLATFORM,
): Promise<LocalRunStart<T>> {
  const name = basename(resolve(root));
  const inputs = await choose(await loadManifest(join(root, 'template.json')), name);
  const engine = connectEngine();
  const { image } = await buildTemplate(root, { platform });
  const runsDir = localRunsDir(name);
  await mkdir(runsDir, { recursive: true });
  if (platform === DEFAULT_PLATFORM) return { name, engine, image, runsDir, inputs, platform: {} };
  const host = await engineCanRun(engine, platform);
  console.log(`[${name}] ${image} is ${platform}: ${host.runs ? host.how : host.why}`);
  return { name, engine, image, runsDir, inputs, platform: { platform } };
}

/**
 * The values of a repeatable `NAME=VALUE` option. Nx splits a lone array option at commas
 * (`--env A=1,2` arrives as `['A=1', '2']`), so an item without `=` goes back onto the one before.
 */
export function pairs(option: string, values: string[] | undefined, example: string) {
  const joined: string[] = [];
  for (const value of values ?? []) {
    if (!value.includes('=') && joined.length > 0) joined[joined.length - 1] += `,${value}`;
    else joined.push(value);
  }
  return joined.map((pair): [string, string] => {
    const at = pair.indexOf('=');
    if (at < 1) throw new LocalRunError(`--${option} ${pair} is not ${example}.`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

/** `--hyperparameters` (JSON) or `--hyperparameters-file`, else the manifest's sample ones. */
export async function chooseHyperparameters(
  options: { hyperparameters?: string; 'hyperparameters-file'?: string },
  sample: Record<string, string> | undefined,
): Promise<Record<string, string>> {
  const file = options['hyperparameters-file'];
  const [text, where] = file
    ? [await readFile(file, 'utf8'), file]
    : [options.hyperparameters, '--hyperparameters'];
  if (text === undefined) return sample ?? {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LocalRunError(
      `${where} is not JSON (${(error as Error).message}). Give an object of strings: '{"epochs": "10"}'.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new LocalRunError(`${where} must be a JSON object of strings: '{"epochs": "10"}'.`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string')
      throw new LocalRunError(
        `${where}: hyperparameter "${key}" is ${JSON.stringify(value)}; SageMaker passes every value as a string: "${key}": "${JSON.stringify(value)}".`,
      );
  }
  return parsed as Record<string, string>;
}

/**
 * The manifest's sample channels with their sources resolved against the template folder, and
 * `--channel NAME=PATH` replacing or adding channels (a path relative to the working folder).
 */
export function chooseChannels(
  root: string,
  overrides: [string, string][],
  sample: Record<string, ChannelSample> | undefined,
): Record<string, ChannelSample> {
  const channels = Object.fromEntries(
    Object.entries(sample ?? {}).map(([channel, c]) => [
      channel,
      { ...c, source: isAbsolute(c.source) ? c.source : join(root, c.source) },
    ]),
  );
  for (const [channel, path] of overrides)
    channels[channel] = { ...channels[channel], source: resolve(path) };
  return channels;
}

/** Every GPU of the engine's host when asked for (`all`), or when the template uses them; none when it has none. */
export async function gpus(choice: GpuChoice, manifest: TemplateManifest): Promise<'all' | 0> {
  if (choice === 'none' || (choice === 'auto' && !manifest.capabilities.gpu)) return 0;
  return (await engineOffersGpus(connectEngine())) ? 'all' : 0;
}

/**
 * The instance size a local run takes (--instance-type, else template.json's instanceType for the
 * image's platform), with
 * what this host cannot match printed; none when neither names one.
 */
export function instanceResources(
  name: string | undefined,
  manifest: TemplateManifest,
  label: string,
  platform: Platform = DEFAULT_PLATFORM,
): { resources?: InstanceResources } {
  const chosen = name ?? declaredInstanceType(manifest, platform);
  if (chosen === undefined) return {};
  const where = name === undefined ? "template.json's instanceType" : '--instance-type';
  let type: InstanceType;
  try {
    type = instanceType(chosen, where);
  } catch (error) {
    throw new LocalRunError((error as Error).message);
  }
  const resources = { name: type.name, vcpus: type.vcpus, memoryBytes: instanceMemoryBytes(type) };
  const notes = sizedHostConfig(resources).notes;
  console.log(
    `[${label}] sized as ${type.name}: ${type.vcpus} vCPUs, ${type.memoryGiB} GiB, no swap${notes.length ? ` (${notes.join('; ')})` : ''}`,
  );
  return { resources };
}
