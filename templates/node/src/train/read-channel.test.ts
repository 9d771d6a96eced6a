import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTrainingTree } from '../testing/sagemaker-tree.ts';
import { UserError } from '../user-error.ts';
import { parseLabelledCsv, readChannel } from './read-channel.ts';
import { NOT_NUMBERS } from '../testing/not-numbers.ts';

describe('parseLabelledCsv', () => {
  it('detects a header from non-numeric feature cells', () => {
    expect(parseLabelledCsv('label,a,b\ncat,1,2\n', 'f.csv')).toEqual({
      labels: ['cat'],
      features: [[1, 2]],
      lines: [2],
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
      lines: [1, 2],
    });
  });

  it('names the file, line and column of a bad value', () => {
    expect(() => parseLabelledCsv('0,1,2\n1,3,\n', 'train/f.csv')).toThrow(
      /^train\/f\.csv line 2 column 3: the cell is empty/,
    );
    expect(() => parseLabelledCsv('0,1,2\n1,3\n', 'train/f.csv')).toThrow(
      'train/f.csv line 2 has 2 columns, expected 3 like the first row',
    );
    expect(() => parseLabelledCsv('0\n1\n', 'train/f.csv')).toThrow(
      /needs a label in the first column and at least one feature/,
    );
    expect(() => parseLabelledCsv('0,1\n,2\n', 'train/f.csv')).toThrow(/line 2 has an empty label/);
  });

  it.each([...NOT_NUMBERS])(
    'refuses the feature %j naming the file, physical line and column',
    (cell) => {
      const text = `y,a,b\n0,1,2\n\n1,3,${cell}\n`;
      expect(() => parseLabelledCsv(text, 'train/f.csv')).toThrow(
        /^train\/f\.csv line 4 column 3: .* (is not a number|is beyond float32 range)/,
      );
    },
  );

  it('takes a first line for a header only when none of its feature cells could be a number', () => {
    expect(() => parseLabelledCsv('setosa,abc,3.5\nsetosa,1,2\n', 'f.csv')).toThrow(
      /^f\.csv line 1 column 2: "abc" is not a number.*\(line 1 is data, not a header/,
    );
    for (const first of [
      'cat,nan,NaN',
      'cat,inf,-inf',
      'cat,١٢,x',
      'cat,,x',
      'cat,-x,y',
      'cat,.5e,y',
    ]) {
      expect(() => parseLabelledCsv(`${first}\ndog,1,2\n`, 'f.csv')).toThrow(/^f\.csv line 1 /);
    }
    expect(parseLabelledCsv('y,x1,x_2\ncat,1,2\n', 'f.csv').header).toEqual(['y', 'x1', 'x_2']);
  });

  it('refuses an empty file and a header-only file, naming the file', () => {
    for (const text of ['', '\n\n', ' \r\n', '\uFEFF'])
      expect(() => parseLabelledCsv(text, 'train/e.csv')).toThrow(/^train\/e\.csv is empty/);
    expect(() => parseLabelledCsv('y,a,b\n', 'train/h.csv')).toThrow(
      /^train\/h\.csv holds only a header \(line 1\) and no data rows/,
    );
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

  it('refuses bytes that are not UTF-8, in labels too, naming the file and line', async () => {
    const bad = Buffer.concat([
      Buffer.from('y,x\ncat,1\nc'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('t,2\n'),
    ]);
    const tree = await makeTrainingTree({ channels: { train: { 'a.csv': 'cat,1\ndog,2\n' } } });
    dispose = tree.dispose;
    const dir = join(tree.base, 'input/data/train');
    await writeFile(join(dir, 'b.csv'), bad);
    await expect(readChannel(dir, 'train')).rejects.toThrow(
      /^train\/b\.csv line 3 is not valid UTF-8/,
    );
  });

  it('refuses an empty file among good ones, naming it', async () => {
    const tree = await makeTrainingTree({
      channels: { train: { 'a.csv': 'cat,1\ndog,2\n', 'b.csv': '' } },
    });
    dispose = tree.dispose;
    await expect(readChannel(join(tree.base, 'input/data/train'), 'train')).rejects.toThrow(
      /^train\/b\.csv is empty/,
    );
  });

  it('reads more rows than a spread call could take, and knows where each came from', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i % 2},${i}`).join('\n');
    const tree = await makeTrainingTree({
      channels: { train: { 'a.csv': 'y,x\n0,1\n', 'b.csv': rows } },
    });
    dispose = tree.dispose;
    const data = await readChannel(join(tree.base, 'input/data/train'), 'train');
    expect(data.labels).toHaveLength(200_001);
    expect(data.origin(0)).toBe('train/a.csv line 2');
    expect(data.origin(5)).toBe('train/b.csv line 5');
  });
});
