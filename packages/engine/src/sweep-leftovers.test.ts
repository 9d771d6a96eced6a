import { describe, expect, it } from 'vitest';
import { MANAGED_LABEL, OWNER_LABEL, SESSION_LABEL } from './labels.ts';
import { isLeftover, isProcessAlive, type LeftoverRule } from './sweep-leftovers.ts';

const alive = new Set([100]);
const rule: LeftoverRule = { hostname: 'box', isAlive: (pid) => alive.has(pid) };
const labels = (owner: string, session = 's1'): Record<string, string> => ({
  [MANAGED_LABEL]: 'true',
  [SESSION_LABEL]: session,
  [OWNER_LABEL]: owner,
});

describe('isLeftover', () => {
  it('removes objects of a dead process on this host', () => {
    expect(isLeftover(labels('box:200'), rule)).toBe(true);
  });

  it('spares objects of a live process', () => {
    expect(isLeftover(labels('box:100'), rule)).toBe(false);
  });

  it('spares objects of other hosts sharing the engine, whatever their pid', () => {
    expect(isLeftover(labels('other:200'), rule)).toBe(false);
  });

  it('removes objects of the given session even when their owner is alive', () => {
    expect(isLeftover(labels('box:100', 'mine'), { ...rule, session: 'mine' })).toBe(true);
    expect(isLeftover(labels('box:100', 'theirs'), { ...rule, session: 'mine' })).toBe(false);
  });

  it('never touches objects without the managed label or with an unreadable owner', () => {
    expect(isLeftover({ [OWNER_LABEL]: 'box:200' }, rule)).toBe(false);
    expect(isLeftover(undefined, rule)).toBe(false);
    expect(isLeftover(labels('garbage'), rule)).toBe(false);
  });
});

describe('isProcessAlive', () => {
  it('knows this process and not a pid beyond the kernel maximum', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 1)).toBe(false);
  });
});
