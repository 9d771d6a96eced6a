import { describe, expect, it } from 'vitest';
import { backoffDelay, RetriesExhaustedError, withRetries } from './retry.ts';

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

describe('withRetries', () => {
  it('doubles the delay up to the maximum, with half of it random', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 150, 150]);
    expect([1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 300]);
  });

  it('retries retryable errors until it succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('down');
        return 'ok';
      },
      {
        policy,
        isRetryable: () => true,
        sleep: async (ms) => void waits.push(ms),
        random: () => 0,
      },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([50, 100]);
  });

  it('gives up after the last attempt, saying how many and how long', async () => {
    const error = await withRetries(
      async () => {
        throw new Error('connection refused');
      },
      { policy, isRetryable: () => true, sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(4);
    expect((error as Error).message).toMatch(
      /^gave up after 4 attempts over \d+\.\d s: connection refused$/,
    );
  });

  it('throws a non-retryable error at once', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw new Error('denied');
        },
        { policy, isRetryable: () => false },
      ),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });
});
