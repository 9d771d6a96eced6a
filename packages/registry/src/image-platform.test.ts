import { describe, expect, it } from 'vitest';
import { checkImagePlatform } from './image-platform.ts';
import { PushError } from './push-error.ts';

const trainAndServe = { train: true, serve: true, gpu: false };

describe('checkImagePlatform', () => {
  it('accepts linux/amd64', () => {
    expect(
      checkImagePlatform('x:1', { Os: 'linux', Architecture: 'amd64' }, trainAndServe),
    ).toEqual([]);
  });

  it('refuses an arm64 image that trains, saying how to rebuild', () => {
    expect(() =>
      checkImagePlatform(
        'x:1',
        { Os: 'linux', Architecture: 'arm64', Variant: 'v8' },
        trainAndServe,
      ),
    ).toThrow(
      /x:1 is built for linux\/arm64, but SageMaker training jobs run on x86_64 instances only\. Rebuild it for linux\/amd64 \(DOCKER_DEFAULT_PLATFORM=linux\/amd64/,
    );
  });

  it('warns for an arm64 image that only serves (Graviton), refuses other platforms', () => {
    expect(
      checkImagePlatform(
        'x:1',
        { Os: 'linux', Architecture: 'arm64' },
        { train: false, serve: true },
      ),
    ).toEqual([
      'x:1 is built for linux/arm64: it serves only on Graviton instance types (ml.c7g, ml.m7g, ml.r7g, ...), not on x86_64 ones.',
    ]);
    expect(() =>
      checkImagePlatform('x:1', { Os: 'windows', Architecture: 'amd64' }, trainAndServe),
    ).toThrow(PushError);
    expect(() =>
      checkImagePlatform(
        'x:1',
        { Os: 'linux', Architecture: 's390x' },
        { train: false, serve: true },
      ),
    ).toThrow(/SageMaker instances are x86_64 or arm64/);
  });

  it('in an index, wants each image to be the platform it stands for; arm64 serves only', () => {
    const arm = { Os: 'linux', Architecture: 'arm64', Variant: 'v8' };
    expect(checkImagePlatform('x:2', arm, trainAndServe, 'linux/arm64')).toEqual([
      "x:2 (linux/arm64) serves on Graviton instance types (ml.c7g, ml.m7g, ml.r7g, ...); training jobs and x86_64 instances take the index's linux/amd64 image.",
    ]);
    expect(
      checkImagePlatform(
        'x:1',
        { Os: 'linux', Architecture: 'amd64' },
        trainAndServe,
        'linux/amd64',
      ),
    ).toEqual([]);
    expect(() =>
      checkImagePlatform(
        'x:1',
        { Os: 'linux', Architecture: 'amd64' },
        trainAndServe,
        'linux/arm64',
      ),
    ).toThrow(
      'x:1 is built for linux/amd64, but it would be pushed as the linux/arm64 image. Rebuild it with `nx run <template>:build --platform linux/arm64`, then push again.',
    );
  });
});
