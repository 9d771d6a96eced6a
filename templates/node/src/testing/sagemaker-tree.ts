import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../model/random.ts';

export interface TreeSpec {
  hyperparameters?: unknown;
  /** Channel name -> file name -> CSV text. */
  channels?: Record<string, Record<string, string>>;
  /** Defaults to a File-mode entry per channel in `channels`. */
  inputDataConfig?: unknown;
  resourceConfig?: unknown;
}

/** A temporary /opt/ml tree as SageMaker lays it out for `train`; remove it with dispose(). */
export async function makeTrainingTree(
  spec: TreeSpec = {},
): Promise<{ base: string; dispose: () => Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'sm-node-template-'));
  const config = join(base, 'input', 'config');
  await mkdir(config, { recursive: true });
  const channels = spec.channels ?? {};
  // Not `??`: a test may write a hyperparameters.json that holds null.
  const hyperparameters = spec.hyperparameters === undefined ? {} : spec.hyperparameters;
  await writeFile(join(config, 'hyperparameters.json'), JSON.stringify(hyperparameters));
  const inputDataConfig =
    spec.inputDataConfig ??
    Object.fromEntries(Object.keys(channels).map((c) => [c, { TrainingInputMode: 'File' }]));
  await writeFile(join(config, 'inputdataconfig.json'), JSON.stringify(inputDataConfig));
  await writeFile(
    join(config, 'resourceconfig.json'),
    JSON.stringify(
      spec.resourceConfig ?? {
        current_host: 'algo-1-ab12c',
        hosts: ['algo-1-ab12c'],
        network_interface_name: 'eth0',
      },
    ),
  );
  for (const [channel, files] of Object.entries(channels)) {
    const dir = join(base, 'input', 'data', channel);
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  }
  return { base, dispose: () => rm(base, { recursive: true, force: true }) };
}

/** Three well separated 2-D clusters labelled red/green/blue: linearly separable. */
export function separableCsv(rowsPerClass: number, seed = 1, header = true): string {
  const random = seededRandom(seed);
  const centers: Record<string, [number, number]> = { red: [0, 6], green: [6, 0], blue: [-6, -6] };
  const lines = header ? ['color,x,y'] : [];
  for (let i = 0; i < rowsPerClass; i++) {
    for (const [label, [cx, cy]] of Object.entries(centers)) {
      lines.push(
        `${label},${(cx + (random() - 0.5) * 4).toFixed(3)},${(cy + (random() - 0.5) * 4).toFixed(3)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Collects log lines instead of printing them. */
export function captureLog(): { lines: string[]; log: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line), text: () => lines.join('\n') };
}
