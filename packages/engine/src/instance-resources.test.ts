import { describe, expect, it } from 'vitest';
import { gib, sizedHostConfig } from './instance-resources.ts';

describe('a container sized as an instance type', () => {
  const large = { name: 'ml.m5.large', vcpus: 2, memoryBytes: 8 * 2 ** 30 };

  it('gets its memory with no swap and its vCPUs as a CPU quota', () => {
    expect(sizedHostConfig(large, 4)).toEqual({
      hostConfig: { Memory: 8 * 2 ** 30, MemorySwap: 8 * 2 ** 30, NanoCpus: 2e9 },
      notes: [],
    });
  });

  it('gets at most the host CPUs, and says so', () => {
    const big = { name: 'ml.c5.4xlarge', vcpus: 16, memoryBytes: 32 * 2 ** 30 };
    expect(sizedHostConfig(big, 2)).toEqual({
      hostConfig: { Memory: 32 * 2 ** 30, MemorySwap: 32 * 2 ** 30, NanoCpus: 2e9 },
      notes: ['ml.c5.4xlarge has 16 vCPUs; this host has 2, so the container gets 2'],
    });
  });

  it('prints memory in GiB', () => {
    expect(gib(8 * 2 ** 30)).toBe('8.0 GiB');
    expect(gib(1.5 * 2 ** 30)).toBe('1.5 GiB');
  });
});
