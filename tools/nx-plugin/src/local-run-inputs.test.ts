import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseChannels, chooseHyperparameters, LocalRunError } from './local-run-inputs.ts';

describe('chooseHyperparameters', () => {
  it("takes --hyperparameters, then --hyperparameters-file, else the manifest's sample", async () => {
    const sample = { epochs: '10' };
    expect(await chooseHyperparameters({}, sample)).toEqual(sample);
    expect(await chooseHyperparameters({ hyperparameters: '{"epochs":"5"}' }, sample)).toEqual({
      epochs: '5',
    });
    const dir = await mkdtemp(join(tmpdir(), 'hp-'));
    try {
      await writeFile(join(dir, 'hp.json'), '{"lr":"0.1"}');
      expect(
        await chooseHyperparameters({ 'hyperparameters-file': join(dir, 'hp.json') }, sample),
      ).toEqual({ lr: '0.1' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('names the hyperparameter that is not a string, and JSON that is not an object', async () => {
    await expect(chooseHyperparameters({ hyperparameters: '{"epochs": 5}' }, {})).rejects.toThrow(
      '--hyperparameters: hyperparameter "epochs" is 5; SageMaker passes every value as a string: "epochs": "5".',
    );
    await expect(chooseHyperparameters({ hyperparameters: '[1]' }, {})).rejects.toThrow(
      LocalRunError,
    );
    await expect(chooseHyperparameters({ hyperparameters: '{epochs' }, {})).rejects.toThrow(
      /^--hyperparameters is not JSON/,
    );
  });
});

describe('chooseChannels', () => {
  it('resolves sample channels against the template and lets --channel replace or add one', () => {
    const channels = chooseChannels('/ws/templates/node', [['validation', '/data/v']], {
      train: { source: 'fixtures/train', contentType: 'text/csv' },
      validation: { source: 'fixtures/validation', contentType: 'text/csv' },
    });
    expect(channels).toEqual({
      train: { source: '/ws/templates/node/fixtures/train', contentType: 'text/csv' },
      validation: { source: '/data/v', contentType: 'text/csv' },
    });
  });
});
