import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type Docker from 'dockerode';
import {
  ExplainedError,
  type ChannelSample,
  type TemplateManifest,
} from '@sagemaker-templates/contract';
import { gpuDeviceRequests, hostGpuCount } from '@sagemaker-templates/engine';

/** A local run the user asked for wrongly: the message names the option and the fix. */
export class LocalRunError extends ExplainedError {
  override name = 'LocalRunError';
}

export type GpuChoice = 'auto' | 'all' | 'none';

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

/** The manifest's sample channels, with `--channel NAME=PATH` replacing or adding channels. */
export function chooseChannels(
  root: string,
  overrides: [string, string][],
  sample: Record<string, ChannelSample> | undefined,
): { samples: Record<string, ChannelSample>; sources: Record<string, string> } {
  const samples: Record<string, ChannelSample> = { ...(sample ?? {}) };
  const sources = Object.fromEntries(
    Object.entries(samples).map(([channel, c]) => [
      channel,
      isAbsolute(c.source) ? c.source : join(root, c.source),
    ]),
  );
  for (const [channel, path] of overrides) {
    sources[channel] = resolve(path);
    samples[channel] = { ...samples[channel], source: sources[channel] };
  }
  return { samples, sources };
}

/** The host's GPUs when asked for (`all`), or when the template uses them and the host has some. */
export async function gpus(
  choice: GpuChoice,
  manifest: TemplateManifest,
): Promise<Docker.DeviceRequest[]> {
  if (choice === 'none' || (choice === 'auto' && !manifest.capabilities.gpu)) return [];
  return (await hostGpuCount()) > 0 ? gpuDeviceRequests('all') : [];
}
