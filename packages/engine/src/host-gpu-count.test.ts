import { describe, expect, it } from 'vitest';
import { countGpuLines, gpuDeviceRequests, hostGpuCount } from './host-gpu-count.ts';

describe('countGpuLines', () => {
  it('counts the GPU lines of nvidia-smi -L, MIG lines excluded', () => {
    const output = [
      'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-0b1c2d3e-aaaa-bbbb-cccc-111111111111)',
      '  MIG 3g.40gb     Device  0: (UUID: MIG-1234)',
      'GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-0b1c2d3e-aaaa-bbbb-cccc-222222222222)',
      '',
    ].join('\n');
    expect(countGpuLines(output)).toBe(2);
    // Captured from the lent H100 machine.
    expect(
      countGpuLines(
        'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-9f9abcce-5184-560d-8642-c7fda4a7722c)\n',
      ),
    ).toBe(1);
    expect(countGpuLines('')).toBe(0);
    expect(
      countGpuLines(
        'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.',
      ),
    ).toBe(0);
  });
});

describe('gpuDeviceRequests', () => {
  it('asks the nvidia driver for the given count, or all', () => {
    expect(gpuDeviceRequests(0)).toEqual([]);
    expect(gpuDeviceRequests(2)).toEqual([{ Driver: 'nvidia', Count: 2, Capabilities: [['gpu']] }]);
    expect(gpuDeviceRequests('all')).toEqual([
      { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] },
    ]);
  });
});

describe('hostGpuCount', () => {
  it('answers a non-negative integer, the same on every call', async () => {
    const count = await hostGpuCount();
    expect(Number.isInteger(count) && count >= 0).toBe(true);
    expect(await hostGpuCount()).toBe(count);
  });
});
