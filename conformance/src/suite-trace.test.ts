import { describe, expect, it } from 'vitest';
import type { Probes } from './check.ts';
import { recordingProbes, underlyingProbes } from './emulation-crash.ts';
import { askingProbes, formatTimings, SuiteTrace } from './suite-trace.ts';

/** A clock the test moves by hand. */
function manualClock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SuiteTrace', () => {
  it('times an observation to its end, and a serving session to its readiness', async () => {
    const clock = manualClock();
    const trace = new SuiteTrace(clock.now);
    clock.advance(200);
    let finish: (v: unknown) => void = () => undefined;
    const training = trace.probe('training', () => new Promise((resolve) => (finish = resolve)));
    clock.advance(3_000);
    finish({ exitCode: 0 });
    await training;
    const serving = trace.probe('serving', async () => ({ readyAfterMs: 1_500 }));
    await serving;
    const failing = trace.probe('failing-training', () => Promise.reject(new Error('no')));
    await failing.catch(() => undefined);
    expect(trace.timings().probes).toEqual([
      { probe: 'training', startMs: 200, endMs: 3_200 },
      { probe: 'serving', startMs: 3_200, readyMs: 4_700 },
      { probe: 'failing-training', startMs: 3_200, endMs: 3_200 },
    ]);
  });

  it('notes which observations a check asks for, once each, and keeps the probes underneath reachable', async () => {
    const calls: string[] = [];
    const plain = {
      training: async () => calls.push('training'),
      trainingVariant: async (key: string) => calls.push(`variant ${key}`),
      servingVariant: async (key: string) => calls.push(`serving ${key}`),
      scratchDir: async () => '/tmp/x',
    } as unknown as Probes;
    const asked: string[] = [];
    const { probes } = recordingProbes(askingProbes(plain, asked));
    await probes.training();
    await probes.training();
    await probes.trainingVariant('read-only', {});
    await probes.servingVariant('empty', {});
    await probes.scratchDir('x');
    expect(asked).toEqual(['training', 'training:read-only', 'serving:empty']);
    expect(calls).toEqual(['training', 'training', 'variant read-only', 'serving empty']);
    // Memos of one suite run are keyed on the plain probes, through every wrapper.
    expect(underlyingProbes(probes)).toBe(plain);
  });

  it('calls every method on the probes themselves, so their private fields work through the wrappers', async () => {
    class Private {
      #dirs: string[] = [];
      async scratchDir(prefix: string) {
        this.#dirs.push(prefix);
        return `/tmp/${prefix}-${this.#dirs.length}`;
      }
      async training() {
        return this.#dirs.length;
      }
    }
    const asked: string[] = [];
    const { probes } = recordingProbes(askingProbes(new Private() as unknown as Probes, asked));
    expect(await probes.scratchDir('code')).toBe('/tmp/code-1');
    expect(await probes.training()).toBe(1);
    expect(asked).toEqual(['training']);
  });

  it('draws each observation and check on one timeline, with what a check waited for', () => {
    const text = formatTimings(
      {
        probes: [
          { probe: 'training', startMs: 0, endMs: 10_000 },
          { probe: 'serving', startMs: 10_000, readyMs: 12_000 },
        ],
        checks: [
          {
            id: 'serve.ping',
            phase: 'observe',
            queuedMs: 0,
            startMs: 0,
            endMs: 12_000,
            probes: ['serving'],
          },
          {
            id: 'serve.longevity',
            phase: 'load',
            queuedMs: 12_000,
            startMs: 16_000,
            endMs: 20_000,
            probes: [],
          },
        ],
      },
      20_000,
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe("timings (seconds from the suite's start, 20.0 s in all):");
    expect(text).toMatch(/training .*▕█{20} {20}▏ +0\.0 → 10\.0/);
    expect(text).toMatch(/serving .*▕ {20}▒{4}█{16}▏ +10\.0 → end, ready 12\.0/);
    expect(text).toMatch(/serve\.ping \[observe\] .*▕█{24} {16}▏ +0\.0 → 12\.0 {2}\(serving\)/);
    expect(text).toMatch(/serve\.longevity \[load\] .*▕ {24}·{8}█{8}▏ +16\.0 → 20\.0$/);
  });
});
