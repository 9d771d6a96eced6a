import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLog,
  makeTrainingTree,
  separableCsv,
  type TreeSpec,
} from '../testing/sagemaker-tree.ts';
import { runTraining } from './train.ts';

/** CONTRACT.md section 11 (R5-R7): garbage fails the job, and the failure file says where. */
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function train(spec: TreeSpec) {
  const tree = await makeTrainingTree(spec);
  disposers.push(tree.dispose);
  const out = captureLog();
  const exitCode = await runTraining({ baseDir: tree.base, log: out.log, logError: out.log });
  const failure = await readFile(join(tree.base, 'output/failure'), 'utf8').catch(() => '');
  return { exitCode, failure, reason: failure.slice(0, 1024), firstLine: failure.split('\n')[0] };
}

const TRAIN = separableCsv(20, 1); // header "color,x,y", then data from line 2
const VALIDATION = separableCsv(5, 2, false);
const trainWith = (csv: string | Buffer, validation: string | Buffer = VALIDATION): TreeSpec => ({
  hyperparameters: { epochs: '2' },
  channels: {
    train: { 'train.csv': csv as string },
    validation: { 'val.csv': validation as string },
  },
});

/** Line `n` (1-based) of TRAIN with its column `col` (0-based) replaced. */
function withCell(n: number, col: number, value: string): string {
  const lines = TRAIN.split('\n');
  const cells = lines[n - 1]!.split(',');
  cells[col] = value;
  lines[n - 1] = cells.join(',');
  return lines.join('\n');
}

describe('R5: a hyperparameter the image cannot use fails the job, naming it', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../hyperparameters.schema.json', import.meta.url), 'utf8'),
  ) as { properties: Record<string, { type: string; minimum?: number; maximum?: number }> };
  const cases = Object.entries(schema.properties).flatMap(([key, p]) => {
    const values = ['abc', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '1e400', '-1e400', '{}'];
    values.push(p.type === 'integer' ? '1e23' : '1e400', p.type === 'integer' ? '2.5' : 'true');
    if (p.minimum !== undefined) values.push(String(p.minimum - 1));
    if (p.maximum !== undefined) values.push(String(p.maximum * 2 + 1));
    return values.map((value) => [key, value] as const);
  });

  it.each(cases)('%s=%j', async (key, value) => {
    const run = await train({ ...trainWith(TRAIN), hyperparameters: { [key]: value } });
    expect(run.exitCode).not.toBe(0);
    expect(run.firstLine).toContain(`"${key}"`);
  });
});

describe('R6: training data the image cannot use fails the job, naming file and line', () => {
  it.each([
    'nan',
    'NaN',
    'inf',
    '-inf',
    'Infinity',
    '1e39',
    '-1e39',
    '1e400',
    '9'.repeat(400),
    '',
    'abc',
    '١٢',
    '１２',
    '1_000',
    '0x10',
  ])('a feature %j on line 17', async (cell) => {
    const run = await train(trainWith(withCell(17, 2, cell)));
    expect(run.exitCode).toBe(1);
    expect(run.firstLine).toMatch(/^train\/train\.csv line 17 column 3: /);
  });

  it('a damaged first data row, with and without a header', async () => {
    const second = await train(trainWith(withCell(2, 1, 'nan')));
    expect(second.firstLine).toMatch(/^train\/train\.csv line 2 column 2: "nan"/);
    const noHeader = TRAIN.split('\n').slice(1).join('\n');
    for (const first of ['red,abc,1', 'red,nan,nan', 'red,inf,NaN', 'red,,']) {
      const run = await train(trainWith(noHeader.replace(/^.*$/m, first)));
      expect(run.exitCode).toBe(1);
      expect(run.firstLine).toMatch(/^train\/train\.csv line 1 /);
    }
  });

  it('a wrong column count', async () => {
    const lines = TRAIN.split('\n');
    lines[8] = 'red,1';
    const run = await train(trainWith(lines.join('\n')));
    expect(run.firstLine).toMatch(/^train\/train\.csv line 9 has 2 columns, expected 3/);
  });

  it('bytes that are not UTF-8, in a label or a feature', async () => {
    const lines = TRAIN.split('\n');
    const head = Buffer.from(`${lines.slice(0, 12).join('\n')}\n`);
    const tail = Buffer.from(`\n${lines.slice(13).join('\n')}`);
    const label = Buffer.concat([head, Buffer.from([0x72, 0xff, 0x64]), Buffer.from(',1,2'), tail]);
    const feature = Buffer.concat([head, Buffer.from('red,1.'), Buffer.from([0xc3]), tail]);
    for (const csv of [label, feature]) {
      const run = await train(trainWith(csv));
      expect(run.exitCode).toBe(1);
      expect(run.firstLine).toMatch(/^train\/train\.csv line 13 is not valid UTF-8/);
    }
  });

  it('an empty file, a header-only file, in either channel', async () => {
    for (const [csv, message] of [
      ['', /^train\/train\.csv is empty/],
      ['\n \n', /^train\/train\.csv is empty/],
      ['color,x,y\n', /^train\/train\.csv holds only a header/],
    ] as const) {
      const run = await train(trainWith(csv));
      expect(run.exitCode).toBe(1);
      expect(run.firstLine).toMatch(message);
    }
    const validation = await train(trainWith(TRAIN, ''));
    expect(validation.firstLine).toMatch(/^validation\/val\.csv is empty/);
  });

  it('a channel with fewer than two classes', async () => {
    const single = TRAIN.replace(/^(green|blue),/gm, 'red,');
    expect((await train(trainWith(single))).firstLine).toMatch(
      /^Channel "train" has a single class \("red"\)/,
    );
    const validation = await train(trainWith(TRAIN, 'red,1,2\nred,3,4\n'));
    expect(validation.firstLine).toMatch(/^Channel "validation" has a single class \("red"\)/);
  });
});

describe('R5/R6: config files SageMaker could not have written', () => {
  it.each([
    ['a string', { train: 'File', validation: {} }, 'train'],
    ['null', { train: {}, validation: null }, 'validation'],
    ['an array', { train: [], validation: {} }, 'train'],
    ['a number', { train: 5 }, 'train'],
    ['an unknown input mode', { train: { TrainingInputMode: 'Carrier pigeon' } }, 'train'],
  ])(
    'an inputdataconfig.json entry that is %s fails naming the channel',
    async (_, config, name) => {
      const run = await train({ ...trainWith(TRAIN), inputDataConfig: config });
      expect(run.exitCode).toBe(1);
      expect(run.firstLine).toMatch(
        new RegExp(`^The inputdataconfig\\.json entry for channel "${name}" `),
      );
    },
  );

  it.each([null, [], 'x', 5])('hyperparameters.json holding %j fails', async (value) => {
    const run = await train({ ...trainWith(TRAIN), hyperparameters: value });
    expect(run.exitCode).toBe(1);
    expect(run.firstLine).toMatch(/^hyperparameters\.json must hold a JSON object/);
  });
});
