import { describe, expect, it } from 'vitest';
import { MB, settingsFromEnv } from './settings.ts';

describe('settingsFromEnv', () => {
  it('defaults to port 8080, 6 MB and the CPU count', () => {
    expect(settingsFromEnv({}, 4)).toEqual({
      settings: {
        port: 8080,
        maxPayloadBytes: 6 * MB,
        maxPayloadInMb: 6,
        maxConcurrentTransforms: 4,
      },
      warnings: [],
    });
  });

  it('keeps MaxConcurrentTransforms × MaxPayloadInMB within 100 on big machines', () => {
    expect(settingsFromEnv({}, 64).settings.maxConcurrentTransforms).toBe(16);
    expect(
      settingsFromEnv({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '100' }, 64).settings.maxConcurrentTransforms,
    ).toBe(1);
  });

  it('honours the SageMaker variables', () => {
    const { settings } = settingsFromEnv(
      {
        SAGEMAKER_BIND_TO_PORT: '9090',
        SAGEMAKER_MAX_PAYLOAD_IN_MB: '20',
        SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '3',
      },
      8,
    );
    expect(settings).toEqual({
      port: 9090,
      maxPayloadBytes: 20 * MB,
      maxPayloadInMb: 20,
      maxConcurrentTransforms: 3,
    });
  });

  it('warns and falls back on bad payload and concurrency values', () => {
    const { settings, warnings } = settingsFromEnv(
      { SAGEMAKER_MAX_PAYLOAD_IN_MB: 'lots', SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '0' },
      2,
    );
    expect(settings.maxPayloadBytes).toBe(6 * MB);
    expect(settings.maxConcurrentTransforms).toBe(2);
    expect(warnings).toEqual([
      expect.stringContaining('SAGEMAKER_MAX_PAYLOAD_IN_MB="lots"'),
      expect.stringContaining('SAGEMAKER_MAX_CONCURRENT_TRANSFORMS="0"'),
    ]);
  });

  it('refuses a port nothing could reach', () => {
    expect(() => settingsFromEnv({ SAGEMAKER_BIND_TO_PORT: '80a' }, 1)).toThrow(
      'SAGEMAKER_BIND_TO_PORT="80a" is not a TCP port',
    );
    expect(() => settingsFromEnv({ SAGEMAKER_BIND_TO_PORT: '70000' }, 1)).toThrow(/not a TCP port/);
  });
});
