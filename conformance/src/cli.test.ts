import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.ts';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('sagemaker-conformance CLI arguments', () => {
  it('refuses a manifest naming a missing channel with exit 2, before it needs any engine or image', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-'));
    const manifest = join(dir, 'template.json');
    await writeFile(
      manifest,
      JSON.stringify({
        description: 'd',
        version: '1.0.0',
        capabilities: { serve: false },
        base: { upstream: 'x' },
        conformance: {
          training: { channels: { train: { source: 'missing' } } },
          skip: { 'no.such.check': 'x' },
        },
      }),
    );
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main(['--image', 'no-such-image:1', '--manifest', manifest]);
    const printed = errors.mock.calls.flat().join('\n');
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(printed).toMatch(/channels\.train\.source: .*missing does not exist/);
    expect(printed).toMatch(/conformance\.skip\."no\.such\.check"/);
  });

  it('refuses a seed, fuzz count or emulation scale that is not a positive whole number', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-'));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['--image', 'i', '--manifest', 'm', '--seed', 'abc'])).toBe(2);
    expect(await main(['--image', 'i', '--manifest', 'm', '--fuzz-count', '0'])).toBe(2);
    expect(errors.mock.calls.flat().join('\n')).toMatch(
      /--fuzz-count must be a whole number from 1/,
    );
    expect(await main(['--image', 'i', '--manifest', 'm', '--emulation-scale', '1.5'])).toBe(2);
    expect(errors.mock.calls.flat().join('\n')).toMatch(
      /--emulation-scale must be a whole number from 1 to 100, got "1\.5"/,
    );
    vi.restoreAllMocks();
  });

  it('lists the robustness case ids a manifest may accept', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-'));
    const logs = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['--list-cases'])).toBe(0);
    const ids = logs.mock.calls.flat().join('\n').split('\n');
    vi.restoreAllMocks();
    expect(ids).toEqual(
      expect.arrayContaining(['record.nan', 'hyperparameter.huge', 'data.empty-file']),
    );
  });
});
