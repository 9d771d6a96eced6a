import { describe, expect, it } from 'vitest';
import { INSTANCE_TYPES, instanceMemoryBytes, instanceType } from './instance-types.ts';
import { parseManifest } from './manifest.ts';

const minimal = {
  description: 'x',
  version: '1.0.0',
  capabilities: { train: true, serve: true },
  base: { upstream: 'node:22' },
  conformance: {
    training: { channels: { train: { source: 'fixtures/train' } } },
    serving: { requests: [{ name: 'csv', contentType: 'text/csv', body: '1,2' }] },
  },
};

describe('instance types', () => {
  it('know the common CPU, GPU and Graviton types with their vCPUs, memory and GPUs', () => {
    expect(instanceType('ml.m5.large', 'x')).toEqual({
      name: 'ml.m5.large',
      vcpus: 2,
      memoryGiB: 8,
      gpus: 0,
      platform: 'linux/amd64',
    });
    expect(instanceType('ML.C5.9XLARGE', 'x')).toMatchObject({ vcpus: 36, memoryGiB: 72 });
    expect(instanceType('ml.r5.24xlarge', 'x')).toMatchObject({ vcpus: 96, memoryGiB: 768 });
    expect(instanceType('ml.t3.medium', 'x')).toMatchObject({ vcpus: 2, memoryGiB: 4 });
    expect(instanceType('ml.g5.12xlarge', 'x')).toMatchObject({
      vcpus: 48,
      memoryGiB: 192,
      gpus: 4,
      gpu: 'NVIDIA A10G',
    });
    expect(instanceType('ml.p3.2xlarge', 'x')).toMatchObject({ memoryGiB: 61, gpus: 1 });
    expect(instanceType('ml.c7g.xlarge', 'x')).toMatchObject({
      vcpus: 4,
      memoryGiB: 8,
      platform: 'linux/arm64',
    });
    expect(instanceMemoryBytes(instanceType('ml.c5.large', 'x'))).toBe(4 * 2 ** 30);
    expect(INSTANCE_TYPES.size).toBeGreaterThan(80);
    for (const type of INSTANCE_TYPES.values()) {
      expect(type.name).toMatch(/^ml\.[a-z0-9]+\.[a-z0-9]+$/);
      expect(type.memoryGiB / type.vcpus).toBeGreaterThanOrEqual(2);
      expect(type.gpus > 0).toBe(type.gpu !== undefined);
    }
  });

  it('refuse an unknown name, listing its family when there is one', () => {
    expect(() => instanceType('ml.m5.huge', '--instance-type')).toThrow(
      '--instance-type is "ml.m5.huge", not an instance type this project knows. In that family: ml.m5.large, ml.m5.xlarge, ml.m5.2xlarge, ml.m5.4xlarge, ml.m5.12xlarge, ml.m5.24xlarge.',
    );
    expect(() => instanceType('m5.large', 'x')).toThrow(/Use a SageMaker ML instance type such as/);
  });

  it('template.json may name the smallest it supports, of a platform it is built for', () => {
    expect(parseManifest({ ...minimal, instanceType: 'ml.c5.large' }).instanceType).toBe(
      'ml.c5.large',
    );
    expect(() => parseManifest({ ...minimal, instanceType: 'ml.c5.tiny' }, 't.json')).toThrow(
      /t\.json is not a valid template manifest:\n {2}- instanceType is "ml\.c5\.tiny", not an instance type this project knows\. In that family: ml\.c5\.large/s,
    );
    expect(() => parseManifest({ ...minimal, instanceType: 'c5.large' })).toThrow(
      /instanceType: must match pattern/,
    );
    expect(() => parseManifest({ ...minimal, instanceType: 'ml.c7g.large' })).toThrow(
      /instanceType: ml\.c7g\.large runs linux\/arm64 images, which platforms \(linux\/amd64\) leaves out/,
    );
  });
});
