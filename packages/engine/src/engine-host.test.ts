import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { engineCanRun, engineOffersGpus } from './engine-host.ts';

/** A remote engine as far as these functions ask: its host, `docker version` and `docker info`. */
const remote = (arch: string, runtimes: Record<string, unknown> = { runc: {} }) =>
  ({
    modem: { host: 'gpu-1.example.com' },
    version: () => Promise.resolve({ Arch: arch }),
    info: () => Promise.resolve({ Runtimes: runtimes }),
  }) as unknown as Docker;

describe('a remote engine', () => {
  it('runs its own architecture natively and takes another as emulated there', async () => {
    expect(await engineCanRun(remote('amd64'), 'linux/amd64')).toEqual({
      runs: true,
      emulated: false,
      how: 'native',
    });
    expect(await engineCanRun(remote('aarch64'), 'linux/arm64')).toMatchObject({ emulated: false });
    expect(await engineCanRun(remote('amd64'), 'linux/arm64')).toMatchObject({
      runs: true,
      emulated: true,
      how: expect.stringMatching(/remote engine \(a amd64 host/) as unknown,
    });
  });

  it('offers GPUs when it has the NVIDIA runtime', async () => {
    expect(await engineOffersGpus(remote('amd64', { runc: {}, nvidia: {} }))).toBe(true);
    expect(await engineOffersGpus(remote('amd64'))).toBe(false);
  });
});
