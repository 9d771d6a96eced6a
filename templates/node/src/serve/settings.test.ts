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

  it('takes up to 1024 MB for asynchronous endpoints, reporting at most 100 to batch transform', () => {
    const { settings, warnings } = settingsFromEnv({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '1024' }, 8);
    expect(settings.maxPayloadBytes).toBe(1024 * MB);
    expect(settings.maxPayloadInMb).toBe(100);
    expect(settings.maxConcurrentTransforms).toBe(1);
    expect(warnings).toEqual([]);
    const over = settingsFromEnv({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '5000' }, 8);
    expect(over.settings.maxPayloadBytes).toBe(1024 * MB);
    expect(over.warnings).toEqual([
      expect.stringMatching(/^SAGEMAKER_MAX_PAYLOAD_IN_MB=5000 is over 1024 .*; using 1024$/),
    ]);
  });

  it('takes the request timeout from SAGEMAKER_MODEL_SERVER_TIMEOUT, in seconds', () => {
    expect(settingsFromEnv({}, 1).settings.modelServerTimeoutMs).toBeUndefined();
    expect(
      settingsFromEnv({ SAGEMAKER_MODEL_SERVER_TIMEOUT: '900' }, 1).settings.modelServerTimeoutMs,
    ).toBe(900_000);
    expect(
      settingsFromEnv({ SAGEMAKER_MODEL_SERVER_TIMEOUT: ' 1.5 ' }, 1).settings.modelServerTimeoutMs,
    ).toBe(1_500);
    // Node's timers overflow past 2^31 - 1 ms and would then fire at once.
    expect(
      settingsFromEnv({ SAGEMAKER_MODEL_SERVER_TIMEOUT: '1e9' }, 1).settings.modelServerTimeoutMs,
    ).toBe(2 ** 31 - 1);
  });

  it.each(['-5', '0', 'ten', 'Infinity'])(
    'warns and keeps Node’s timeouts for SAGEMAKER_MODEL_SERVER_TIMEOUT=%s',
    (value) => {
      const { settings, warnings } = settingsFromEnv({ SAGEMAKER_MODEL_SERVER_TIMEOUT: value }, 1);
      expect(settings.modelServerTimeoutMs).toBeUndefined();
      expect(warnings).toEqual([
        `SAGEMAKER_MODEL_SERVER_TIMEOUT=${JSON.stringify(value)} is not a positive number; using Node's default timeouts (300 s to receive a request)`,
      ]);
    },
  );

  it('refuses a port nothing could reach', () => {
    expect(() => settingsFromEnv({ SAGEMAKER_BIND_TO_PORT: '80a' }, 1)).toThrow(
      'SAGEMAKER_BIND_TO_PORT="80a" is not a TCP port',
    );
    expect(() => settingsFromEnv({ SAGEMAKER_BIND_TO_PORT: '70000' }, 1)).toThrow(/not a TCP port/);
  });
});
