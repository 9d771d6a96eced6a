import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SageMakerPaths } from '../paths.ts';
import { excerpt } from '../excerpt.ts';
import { UserError } from '../user-error.ts';

export interface ChannelConfig {
  TrainingInputMode?: string;
  ContentType?: string;
  [key: string]: unknown;
}

export interface TrainingConfig {
  /** hyperparameters.json as written ({} when absent). */
  hyperparameters: unknown;
  /** Channel name -> its inputdataconfig.json entry. */
  channels: Record<string, ChannelConfig>;
  currentHost: string;
  hosts: string[];
  notes: string[];
}

/**
 * Reads /opt/ml/input/config. SageMaker always writes all three files; when one is missing (a
 * hand-made local tree) the algorithm falls back to defaults and says so instead of failing.
 */
export async function readTrainingConfig(paths: SageMakerPaths): Promise<TrainingConfig> {
  const notes: string[] = [];
  // Only a missing file means defaults: a file holding null or [] is refused by parseHyperparameters.
  let hyperparameters = await readJson(paths.hyperparameters);
  if (hyperparameters === undefined) {
    notes.push(`${paths.hyperparameters} is missing; using default hyperparameters`);
    hyperparameters = {};
  }

  let channels = (await readJson(paths.inputDataConfig)) as
    Record<string, ChannelConfig> | undefined;
  if (channels === undefined) {
    const found = await readdir(paths.data, { withFileTypes: true }).catch(() => []);
    channels = Object.fromEntries(found.filter((e) => e.isDirectory()).map((e) => [e.name, {}]));
    notes.push(
      `${paths.inputDataConfig} is missing; using the folders under ${paths.data}: ${Object.keys(channels).join(', ') || '(none)'}`,
    );
  } else if (!isObject(channels)) {
    throw new UserError(
      `${basename(paths.inputDataConfig)} must be a JSON object keyed by channel name. Check the job's InputDataConfig.`,
    );
  } else {
    for (const [name, entry] of Object.entries(channels)) checkChannelEntry(name, entry);
  }

  const resources = (await readJson(paths.resourceConfig)) as
    { current_host?: unknown; hosts?: unknown } | undefined;
  // Identity comes from resourceconfig.json, never from /etc/hostname (local mode names hosts algo-1-xxxxx).
  const currentHost =
    typeof resources?.current_host === 'string' ? resources.current_host : 'unknown';
  const hosts = Array.isArray(resources?.hosts) ? resources.hosts.map(String) : [currentHost];
  if (!resources) notes.push(`${paths.resourceConfig} is missing; running as a single host`);

  return { hyperparameters, channels, currentHost, hosts, notes };
}

const INPUT_MODES = ['File', 'FastFile', 'Pipe'];

/** An entry SageMaker could not have written is refused, naming the channel, rather than guessed at. */
function checkChannelEntry(name: string, entry: unknown): void {
  const where = `inputdataconfig.json entry for channel ${excerpt(name)}`;
  if (!isObject(entry)) {
    throw new UserError(
      `The ${where} must be a JSON object such as {"TrainingInputMode": "File"}, got ${describe(entry)}. Check the job's InputDataConfig.`,
    );
  }
  const mode = entry.TrainingInputMode;
  if (mode !== undefined && !INPUT_MODES.includes(mode as string)) {
    throw new UserError(
      `The ${where} has TrainingInputMode ${typeof mode === 'string' ? excerpt(mode) : describe(mode)}; expected File or FastFile. Check the job's InputDataConfig.`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${excerpt(value)}` : String(value);
}

/** A JSON file's value, undefined when the file does not exist; a UserError when it is not JSON. */
async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${basename(file)} is not valid JSON (${(error as Error).message}). SageMaker writes it from the job request; if you made it by hand, fix its syntax.`,
    );
  }
}
