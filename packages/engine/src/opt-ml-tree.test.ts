import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptMlTree } from './opt-ml-tree.ts';
import { tempContext } from './test-support/temp-context.ts';

describe('OptMlTree', () => {
  it('lays out input/config, channel copies, model and output, world-writable', async () => {
    await using fixtures = await tempContext({
      'train/a.csv': '1,2\n',
      'train/sub/b.csv': '3,4\n',
      'test.csv': '5,6\n',
      'model/weights.bin': 'w',
    });
    await using tree = await OptMlTree.create({
      hyperparameters: { epochs: '2' },
      channels: {
        training: path.join(fixtures.dir, 'train'),
        test: path.join(fixtures.dir, 'test.csv'),
      },
      model: path.join(fixtures.dir, 'model'),
    });
    const json = async (name: string): Promise<unknown> =>
      JSON.parse(await readFile(path.join(tree.configDir, name), 'utf8'));
    expect(await json('hyperparameters.json')).toEqual({ epochs: '2' });
    expect(await json('inputdataconfig.json')).toEqual({
      training: {
        TrainingInputMode: 'File',
        S3DistributionType: 'FullyReplicated',
        RecordWrapperType: 'None',
      },
      test: {
        TrainingInputMode: 'File',
        S3DistributionType: 'FullyReplicated',
        RecordWrapperType: 'None',
      },
    });
    expect(await json('resourceconfig.json')).toMatchObject({
      current_host: 'algo-1',
      hosts: ['algo-1'],
    });
    expect(await readFile(path.join(tree.channelDir('training'), 'sub/b.csv'), 'utf8')).toBe(
      '3,4\n',
    );
    expect(await readFile(path.join(tree.channelDir('test'), 'test.csv'), 'utf8')).toBe('5,6\n');
    expect(await tree.listModelFiles()).toEqual(['weights.bin']);
    for (const dir of [
      tree.modelDir,
      tree.outputDir,
      tree.outputDataDir,
      tree.channelDir('training'),
    ]) {
      expect((await stat(dir)).mode & 0o777).toBe(0o777);
    }
  });

  it('describes its mounts: model/ and output/ are copied back, read-only parts are not', async () => {
    await using fixtures = await tempContext({ 'a.csv': '1\n' });
    await using tree = await OptMlTree.create({ channels: { train: fixtures.dir } });
    expect(tree.mounts({ readOnlyChannels: true })).toEqual([
      { source: tree.inputDir, target: '/opt/ml/input' },
      { source: tree.channelDir('train'), target: '/opt/ml/input/data/train', readOnly: true },
      { source: tree.modelDir, target: '/opt/ml/model', readOnly: false, copyBack: true },
      { source: tree.outputDir, target: '/opt/ml/output', copyBack: true },
    ]);
    expect(tree.mounts({ readOnlyModel: true, include: ['model'] })).toEqual([
      { source: tree.modelDir, target: '/opt/ml/model', readOnly: true, copyBack: false },
    ]);
  });

  it('binds /opt/ml parts, read-only where asked', async () => {
    await using fixtures = await tempContext({ 'train/a.csv': '1' });
    await using tree = await OptMlTree.create({
      channels: { train: path.join(fixtures.dir, 'train') },
    });
    expect(tree.binds()).toEqual([
      `${tree.root}/input:/opt/ml/input`,
      `${tree.root}/model:/opt/ml/model`,
      `${tree.root}/output:/opt/ml/output`,
    ]);
    expect(tree.binds({ readOnlyModel: true, readOnlyChannels: true })).toEqual([
      `${tree.root}/input:/opt/ml/input`,
      `${tree.root}/input/data/train:/opt/ml/input/data/train:ro`,
      `${tree.root}/model:/opt/ml/model:ro`,
      `${tree.root}/output:/opt/ml/output`,
    ]);
    expect(tree.binds({ include: ['model'] })).toEqual([`${tree.root}/model:/opt/ml/model`]);
  });

  it('reads the failure file and lists nested model files', async () => {
    await using tree = await OptMlTree.create();
    expect(await tree.readFailure()).toBeUndefined();
    await writeFile(tree.failurePath, 'ValueError: epochs must be > 0');
    expect(await tree.readFailure()).toBe('ValueError: epochs must be > 0');
    await mkdir(path.join(tree.modelDir, 'sub'));
    await writeFile(path.join(tree.modelDir, 'sub', 'b'), '');
    await writeFile(path.join(tree.modelDir, 'a'), '');
    expect(await tree.listModelFiles()).toEqual(['a', 'sub/b']);
  });

  it('deletes itself, twice without complaint', async () => {
    const tree = await OptMlTree.create();
    await tree.dispose();
    await tree.dispose();
    await expect(stat(tree.root)).rejects.toThrow(/ENOENT/);
  });

  it('refuses bad channel names and missing sources with the fix', async () => {
    await expect(OptMlTree.create({ channels: { '../x': '/tmp' } })).rejects.toThrow(
      'Channel name "../x" is not a folder name SageMaker accepts',
    );
    await expect(OptMlTree.create({ channels: { train: '/nonexistent/fixture' } })).rejects.toThrow(
      'Channel "train" source /nonexistent/fixture does not exist. Point it at a fixture file or folder.',
    );
  });
});
