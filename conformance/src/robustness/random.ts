import { randomInt } from 'node:crypto';

/** A fresh seed for a run that was given none: printed, so the run can be replayed with --seed. */
export const newSeed = (): number => randomInt(1, 2 ** 31);

/**
 * A small seeded generator (mulberry32): the same seed gives the same garbage on every machine and
 * Node.js version, which Math.random cannot promise. Fast enough for thousands of requests.
 */
export class Random {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  /** An independent generator for one purpose, so adding draws elsewhere does not change it. */
  fork(label: string): Random {
    let h = this.seed ^ 0x9e3779b9;
    for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
    return new Random(h >>> 0);
  }
}

/**
 * `count` of `cases`, spread over their kinds: kinds take turns (in a seeded order), so a small
 * sample still covers every kind before it repeats one.
 */
export function sampleByKind<T extends { kind: string }>(
  cases: readonly T[],
  count: number,
  random: Random,
): T[] {
  const byKind = new Map<string, T[]>();
  for (const c of random.shuffle(cases)) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  const queues = random.shuffle([...byKind.values()]);
  const chosen: T[] = [];
  while (chosen.length < Math.min(count, cases.length)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next && chosen.length < count) chosen.push(next);
    }
  }
  return chosen;
}
