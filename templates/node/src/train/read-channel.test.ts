import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTrainingTree } from '../testing/sagemaker-tree.ts';
import { UserError } from '../user-error.ts';
import { parseLabelledCsv, readChannel } from './read-channel.ts';

describe('parseLabelledCsv', () => {
  it('detects a header from non-numeric feature cells', () => {
    expect(parseLabelledCsv('label,a,b\ncat,1,2\n', 'f.csv')).toEqual({
      labels: ['cat'],
      features: [[1, 2]],
      header: ['label', 'a', 'b'],
    });
  });

  it('treats a first row with a string label but numeric features as data', () => {
    expect(parseLabelledCsv('cat,1,2\ndog,3,4\n', 'f.csv')).toEqual({
      labels: ['cat', 'dog'],
      features: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('names the file, line and column of a bad value', () => {
    expect(() => parseLabelledCsv('0,1,2\n1,3,\n', 'train/f.csv')).toThrow(
      /^train\/f\.csv line 2 column 3: "" is not a number/,
    );
    expect(() => parseLabelledCsv('0,1,2\n1,3\n', 'train/f.csv')).toThrow(
      'train/f.csv line 2 has 2 columns, expected 3 like the first row',
    );
    expect(() => parseLabelledCsv('0\n1\n', 'train/f.csv')).toThrow(
      /needs a label in the first column and at least one feature/,
    );
    expect(() => parseLabelledCsv('0,1\n,2\n', 'train/f.csv')).toThrow(/line 2 has an empty label/);
  });
});

describe('readChannel', () => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(() => dispose?.());

  it('reads every .csv file under the folder, sub-folders included, in sorted order', async () => {
    const tree = await makeTrainingTree({
      channels: { train: { 'b.csv': '1,3\n', 'a.csv': 'y,x\n0,1\n', 'notes.txt': 'ignored' } },
    });
    dispose = tree.dispose;
    const dir = join(tree.base, 'input/data/train');
    await mkdir(join(dir, 'part'), { recursive: true });
    await writeFile(join(dir, 'part/c.CSV'), '2,5\n');
    const data = await readChannel(dir, 'train');
    expect(data.labels).toEqual(['0', '1', '2']);
    expect(data.features).toEqual([[1], [3], [5]]);
    expect(data.featureNames).toEqual(['x']);
  });

  it('reads a read-only folder without writing into it', async () => {
    const tree = await makeTrainingTree({ channels: { train: { 'a.csv': '0,1\n1,2\n' } } });
    dispose = async () => {
      await chmod(dir, 0o755);
      await tree.dispose();
    };
    const dir = join(tree.base, 'input/data/train');
    await chmod(dir, 0o555);
    await expect(readChannel(dir, 'train')).resolves.toMatchObject({ labels: ['0', '1'] });
    expect(await readdir(dir)).toEqual(['a.csv']);
  });

  it('says what is wrong with a missing folder, an empty one, and files of different widths', async () => {
    const tree = await makeTrainingTree({
      channels: { empty: {}, mixed: { 'a.csv': '0,1\n', 'b.csv': '0,1,2\n' } },
    });
    dispose = tree.dispose;
    const data = join(tree.base, 'input/data');
    await expect(readChannel(join(data, 'nope'), 'nope')).rejects.toThrow(
      /Channel "nope" is declared but its folder .* does not exist/,
    );
    await expect(readChannel(join(data, 'empty'), 'empty')).rejects.toThrow(
      /Channel "empty" has no \.csv files/,
    );
    await expect(readChannel(join(data, 'mixed'), 'mixed')).rejects.toThrow(
      'mixed/b.csv has 2 features per row, but mixed/a.csv has 1',
    );
    await expect(readChannel(join(data, 'mixed'), 'mixed')).rejects.toBeInstanceOf(UserError);
  });
});
