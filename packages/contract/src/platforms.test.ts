import { describe, expect, it } from 'vitest';
import { architectureOf, parsePlatform, platformReference } from './platforms.ts';

describe('platforms', () => {
  it('names the architecture as image configs do', () => {
    expect(architectureOf('linux/amd64')).toBe('amd64');
    expect(architectureOf('linux/arm64')).toBe('arm64');
  });

  it('parses the platforms SageMaker runs and names the setting of any other', () => {
    expect(parsePlatform(' Linux/ARM64 ', '--platform')).toBe('linux/arm64');
    expect(() => parsePlatform('linux/arm/v7', '--platform')).toThrow(
      '--platform is "linux/arm/v7", not a platform SageMaker runs. Use one of linux/amd64, linux/arm64.',
    );
  });

  it('keeps the reference of the default platform and suffixes the tag of another', () => {
    expect(platformReference('sagemaker-templates/debian:bookworm', 'linux/amd64')).toBe(
      'sagemaker-templates/debian:bookworm',
    );
    expect(platformReference('sagemaker-templates/debian:bookworm', 'linux/arm64')).toBe(
      'sagemaker-templates/debian:bookworm-arm64',
    );
    expect(platformReference('localhost:5000/algo', 'linux/arm64')).toBe(
      'localhost:5000/algo:latest-arm64',
    );
  });
});
