import { describe, expect, it } from 'vitest';
import { BlockedError } from './blocked-error.ts';
import { pass, type Check, type Phase } from './check.ts';
import { runPhases } from './runner.ts';
import { fakeContext } from './test-support/fake-context.ts';

/** A check that notes when it starts and ends, and waits a little in between. */
function probe(id: string, phase: Phase | undefined, log: string[], run?: Check['run']): Check {
  return {
    id,
    title: id,
    clauses: 'T1',
    level: 'must',
    profile: 'serving',
    hint: 'fix it',
    ...(phase ? { phase } : {}),
    run:
      run ??
      (async () => {
        log.push(`start ${id}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${id}`);
        return pass('ok');
      }),
  };
}

describe('runPhases', () => {
  it('runs observe, load, fuzz, disturb, consume in turn, load and consume one at a time', async () => {
    const log: string[] = [];
    const checks = [
      probe('consume.a', 'consume', log),
      probe('load.a', 'load', log),
      probe('load.b', 'load', log),
      probe('disturb.a', 'disturb', log),
      probe('observe.a', undefined, log),
      probe('observe.b', 'observe', log),
      probe('fuzz.a', 'fuzz', log),
    ];
    const results = await runPhases(checks, await fakeContext({}));
    expect(results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
    expect(log).toEqual([
      'start observe.a',
      'start observe.b',
      'end observe.a',
      'end observe.b',
      'start load.a',
      'end load.a',
      'start load.b',
      'end load.b',
      'start fuzz.a',
      'end fuzz.a',
      'start disturb.a',
      'end disturb.a',
      'start consume.a',
      'end consume.a',
    ]);
  });

  it('starts background checks with the observe ones and lets them run beside every later phase', async () => {
    const log: string[] = [];
    const slow = probe('background.a', 'background', log, async () => {
      log.push('start background.a');
      await new Promise((r) => setTimeout(r, 60));
      log.push('end background.a');
      return pass('ok');
    });
    const checks = [probe('consume.a', 'consume', log), slow, probe('observe.a', undefined, log)];
    const results = await runPhases(checks, await fakeContext({}));
    expect(results.map((r) => r.id)).toEqual(['consume.a', 'background.a', 'observe.a']);
    expect(log).toEqual([
      'start background.a',
      'start observe.a',
      'end observe.a',
      'start consume.a',
      'end consume.a',
      'end background.a',
    ]);
  });

  it('reports blocked probes, skips and unselected checks as skip, and a crashing check as a suite error', async () => {
    const log: string[] = [];
    const ctx = await fakeContext({}, (m) => {
      m.conformance.skip['skipped.a'] = 'not for this image';
    });
    const checks = [
      probe('blocked.a', undefined, log, () => {
        throw new BlockedError('serve.ping.ok', 'the server never got ready');
      }),
      probe('crash.a', undefined, log, () => Promise.reject(new Error('engine went away'))),
      probe('skipped.a', undefined, log),
      probe('unselected.a', undefined, log),
    ];
    const seen: string[] = [];
    const results = await runPhases(checks, ctx, {
      only: ['blocked.a', 'crash.a', 'skipped.a'],
      onResult: (r) => seen.push(r.id),
    });
    expect(results.map((r) => [r.id, r.status, r.message])).toEqual([
      ['blocked.a', 'skip', 'not evaluated: the server never got ready (see serve.ping.ok)'],
      ['crash.a', 'fail', 'the check could not run: engine went away'],
      ['skipped.a', 'skip', 'skipped by template.json: not for this image'],
      ['unselected.a', 'skip', 'not selected (--only)'],
    ]);
    expect(results[1]?.hint).toMatch(/error of the suite or the engine/);
    expect(results[0]?.clauses).toBe('T1');
    expect(seen.sort()).toEqual(checks.map((c) => c.id).sort());
    expect(log).toEqual([]);
  });
});
