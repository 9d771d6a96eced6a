import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseModelFile } from '../model/model-file.ts';
import {
  captureLog,
  makeTrainingTree,
  separableCsv,
  type TreeSpec,
} from '../testing/sagemaker-tree.ts';
import { runTraining } from './train.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function train(spec: TreeSpec, signal?: AbortSignal) {
  const tree = await makeTrainingTree(spec);
  disposers.push(tree.dispose);
  const out = captureLog();
  const err = captureLog();
  const exitCode = await runTraining({
    baseDir: tree.base,
    log: out.log,
    logError: err.log,
    ...(signal ? { signal } : {}),
  });
  const read = (path: string) => readFile(join(tree.base, path), 'utf8').catch(() => undefined);
  return {
    exitCode,
    stdout: out.text(),
    stderr: err.text(),
    base: tree.base,
    model: await read('model/model.json'),
    failure: await read('output/failure'),
    metrics: await read('output/data/metrics.json'),
  };
}

const SEPARABLE = {
  train: { 'train.csv': separableCsv(30, 1) },
  validation: { 'validation.csv': separableCsv(10, 2, false) },
};

describe('runTraining', () => {
  it('fits the separable set, logs one metrics line per epoch and writes model.json and metrics.json', async () => {
    const run = await train({
      hyperparameters: { epochs: '15', learning_rate: '0.2' },
      channels: SEPARABLE,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.failure).toBeUndefined();
    const epochLines = run.stdout.split('\n').filter((l) => l.startsWith('epoch='));
    expect(epochLines).toHaveLength(15);
    expect(epochLines.at(-1)).toMatch(
      /^epoch=15 train_loss=[0-9.]+ train_accuracy=1\.0000 validation_loss=[0-9.]+ validation_accuracy=1\.0000$/,
    );
    const model = parseModelFile(run.model!);
    expect(model.classes).toEqual(['blue', 'green', 'red']);
    expect(model.featureCount).toBe(2);
    expect(model.featureNames).toEqual(['x', 'y']);
    expect(model.hyperparameters).toEqual({
      epochs: 15,
      learning_rate: 0.2,
      batch_size: 32,
      l2: 0,
      seed: 42,
    });
    expect(model.metrics).toMatchObject({ train_accuracy: 1, validation_accuracy: 1 });
    expect(JSON.parse(run.metrics!)).toMatchObject({
      epochs: 15,
      final: { train_accuracy: 1 },
      history: expect.any(Array),
    });
  });

  it('takes its identity from resourceconfig.json and ignores the SDK keys', async () => {
    const run = await train({
      hyperparameters: {
        epochs: '1',
        sagemaker_program: '"train.py"',
        sagemaker_submit_directory: '"/opt/ml/code"',
      },
      channels: SEPARABLE,
      resourceConfig: {
        current_host: 'algo-2-x7k2q',
        hosts: ['algo-1-ab12c', 'algo-2-x7k2q'],
        network_interface_name: 'ethwe',
        current_group_name: 'homogeneousCluster',
        instance_groups: [],
        topology: null,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('current_host=algo-2-x7k2q hosts=algo-1-ab12c,algo-2-x7k2q');
    expect(run.stdout).toContain(
      'ignored platform keys: sagemaker_program, sagemaker_submit_directory',
    );
  });

  it('gives the same model for plain and JSON-encoded hyperparameters', async () => {
    const plain = await train({
      hyperparameters: { epochs: '5', learning_rate: '0.3', batch_size: '4', seed: '9' },
      channels: SEPARABLE,
    });
    const encoded = await train({
      hyperparameters: { epochs: '"5"', learning_rate: '"0.3"', batch_size: '"4"', seed: '9' },
      channels: SEPARABLE,
    });
    expect(plain.exitCode).toBe(0);
    expect(encoded.model).toBe(plain.model);
  });

  it('trains with an empty {} hyperparameters.json and channel entries holding only TrainingInputMode', async () => {
    const run = await train({
      hyperparameters: {},
      channels: { train: SEPARABLE.train },
      inputDataConfig: { train: { TrainingInputMode: 'File' } },
    });
    expect(run.exitCode).toBe(0);
    expect(parseModelFile(run.model!).hyperparameters).toEqual({
      epochs: 50,
      learning_rate: 0.1,
      batch_size: 32,
      l2: 0,
      seed: 42,
    });
    expect(run.stdout.split('\n').filter((l) => l.startsWith('epoch='))).toHaveLength(50);
  });

  it('reaches high accuracy on the committed fixtures', async () => {
    const csv = (path: string) => readFile(join(FIXTURES, path), 'utf8');
    const run = await train({
      hyperparameters: { epochs: '30', learning_rate: '"0.2"', batch_size: '16' },
      channels: {
        train: { 'train.csv': await csv('train/train.csv') },
        validation: { 'validation.csv': await csv('validation/validation.csv') },
      },
    });
    expect(run.exitCode).toBe(0);
    const { metrics } = parseModelFile(run.model!);
    expect(metrics.train_accuracy).toBeGreaterThan(0.9);
    expect(metrics.validation_accuracy).toBeGreaterThan(0.9);
  });

  it('fails with exit 1 and a failure file naming the hyperparameter and the fix', async () => {
    const run = await train({ hyperparameters: { learning_rate: '-1' }, channels: SEPARABLE });
    expect(run.exitCode).toBe(1);
    expect(run.failure).toBe(
      'Hyperparameter "learning_rate" must be > 0, got "-1". Fix the value in HyperParameters.\n',
    );
    expect(run.stderr).toContain('Hyperparameter "learning_rate" must be > 0');
    expect(run.model).toBeUndefined();
  });

  it('fails clearly when the train channel is missing', async () => {
    const run = await train({ channels: { validation: SEPARABLE.validation } });
    expect(run.exitCode).toBe(1);
    expect(run.failure?.split('\n')[0]).toBe(
      'Channel "train" is missing: the job declares "validation". Add a "train" channel with CSV files to InputDataConfig.',
    );
    const none = await train({ channels: {} });
    expect(none.failure).toContain('the job declares no channels');
  });

  it('fails clearly on bad data, naming the file and line', async () => {
    const run = await train({ channels: { train: { 'part-1.csv': 'a,1,2\nb,3,oops\n' } } });
    expect(run.exitCode).toBe(1);
    expect(run.failure).toMatch(/^train\/part-1\.csv line 2 column 3: "oops" is not a number/);
  });

  it('fails when validation has a class or a width the train channel lacks', async () => {
    const unseen = await train({
      channels: { train: SEPARABLE.train, validation: { 'v.csv': 'red,1,2\npurple,1,2\n' } },
    });
    expect(unseen.failure).toMatch(
      /^validation\/v\.csv line 2 has label "purple", which the train channel does not have/,
    );
    const wide = await train({
      channels: { train: SEPARABLE.train, validation: { 'v.csv': 'red,1,2,3\n' } },
    });
    expect(wide.failure).toMatch(/^Channel "validation" has 3 features per row, but "train" has 2/);
  });

  it('refuses a single-class train channel and Pipe mode', async () => {
    const single = await train({ channels: { train: { 'a.csv': '1,1\n1,2\n' } } });
    expect(single.failure).toMatch(/^Channel "train" has a single class \(1\)/);
    const pipe = await train({
      channels: { train: SEPARABLE.train },
      inputDataConfig: { train: { TrainingInputMode: 'Pipe' } },
    });
    expect(pipe.failure).toMatch(/^Channel "train" uses TrainingInputMode "Pipe"/);
  });

  it('fails on a corrupt config file, naming it', async () => {
    const run = await train({ channels: SEPARABLE, hyperparameters: 'x' });
    expect(run.exitCode).toBe(1);
    expect(run.failure).toMatch(/^hyperparameters\.json must hold a JSON object/);
  });

  it('stops on SIGTERM between mini-batches: exit 143, a failure file, no model', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort('SIGTERM'), 100);
    const run = await train(
      {
        hyperparameters: { epochs: '10000', batch_size: '1' },
        channels: { train: { 'big.csv': separableCsv(500, 3) } },
      },
      controller.signal,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(run.exitCode).toBe(143);
    expect(run.failure).toMatch(/^Training stopped by SIGTERM/);
    expect(run.model).toBeUndefined();
  });

  it('writes nothing into the channel folders', async () => {
    const run = await train({ hyperparameters: { epochs: '1' }, channels: SEPARABLE });
    expect(await readdir(join(run.base, 'input/data/train'))).toEqual(['train.csv']);
    expect(await readdir(join(run.base, 'input/data/validation'))).toEqual(['validation.csv']);
  });
});
