import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataCases } from './data-garbage.ts';
import { hyperparameterCases } from './hyperparameter-garbage.ts';
import { mapLimit } from './map-limit.ts';
import { Random, sampleByKind } from './random.ts';
import { damageRecord, RECORD_DAMAGE_KINDS } from './record-damage.ts';
import { answerProblem, countAnswerRecords, splitRecords } from './records.ts';
import { GARBAGE, garbageRequests } from './serving-garbage.ts';
import { BAD_BYTE, toWire } from './wire.ts';

const utf8 = (b: Buffer) => new TextDecoder('utf-8', { fatal: true }).decode(b);

describe('Random', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const draw = (r: Random) => Array.from({ length: 5 }, () => r.int(0, 1000));
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
  });

  it('forks independent generators by label', () => {
    const r = new Random(7);
    expect(r.fork('a').next()).toBe(new Random(7).fork('a').next());
    expect(r.fork('a').next()).not.toBe(r.fork('b').next());
  });

  it('samples every kind before repeating one', () => {
    const cases = ['x', 'x', 'x', 'y', 'y', 'z'].map((kind, i) => ({ kind, i }));
    const kinds = sampleByKind(cases, 3, new Random(1)).map((c) => c.kind);
    expect(new Set(kinds)).toEqual(new Set(['x', 'y', 'z']));
    expect(sampleByKind(cases, 99, new Random(1))).toHaveLength(6);
  });
});

describe('records', () => {
  it('splits CSV, JSON instances, bare JSON arrays and JSON Lines, and renders them back', () => {
    const csv = splitRecords('text/csv', '1,2\n3,4\n')!;
    expect(csv.records).toEqual(['1,2', '3,4']);
    expect(csv.render(['1,2', '1,2', '3,4'])).toBe('1,2\n1,2\n3,4\n');
    const json = splitRecords('application/json', '{"instances": [[1, 2], [3, 4]], "k": 1}')!;
    expect(json.records).toEqual(['[1,2]', '[3,4]']);
    expect(JSON.parse(json.render(['[1,2]']))).toEqual({ instances: [[1, 2]], k: 1 });
    expect(splitRecords('application/json', '[[1], [2]]')!.render(['[5]'])).toBe('[[5]]');
    expect(splitRecords('application/jsonlines', '{"f":[1]}\n{"f":[2]}')!.records).toHaveLength(2);
    expect(splitRecords('application/json', '[1, 2]')).toBeUndefined(); // one bare row
    expect(splitRecords('image/png', 'x')).toBeUndefined();
  });

  it('counts records in answers of each shape', () => {
    expect(countAnswerRecords('text/csv; charset=utf-8', 'a\nb\n')).toBe(2);
    expect(countAnswerRecords('application/json', '{"predictions": [1, 2, 3]}')).toBe(3);
    expect(countAnswerRecords('application/json', '[{"a": 1}]')).toBe(1);
    expect(countAnswerRecords('application/json', '{"scores": [1, 2], "model": "m"}')).toBe(2);
    expect(countAnswerRecords('application/json', '{"a": [1], "b": [2]}')).toBeUndefined();
    expect(countAnswerRecords('application/jsonlines', '{}\n{}\n')).toBe(2);
  });

  it('judges answers strictly: NaN is not JSON, nan is not a CSV number, bytes must be UTF-8', () => {
    const bytes = (s: string) => Buffer.from(s);
    expect(answerProblem('application/json', bytes('{"predictions": [1.5]}'))).toBeUndefined();
    expect(answerProblem('application/json', bytes('{"predictions": [NaN]}'))).toMatch(/NaN/);
    expect(answerProblem('application/json', bytes('[Infinity]'))).toMatch(/Infinity/);
    expect(answerProblem('application/jsonlines', bytes('{"a": 1}\n{"a": -Infinity}\n'))).toMatch(
      /line 2/,
    );
    expect(answerProblem('text/csv', bytes('setosa\n0.5,nan\n'))).toMatch(/line 2/);
    expect(answerProblem('text/csv', bytes('Infinity\n'))).toMatch(/Infinity/);
    expect(answerProblem('text/csv', bytes('nancy,inflation\n'))).toBeUndefined();
    expect(answerProblem('text/csv', Buffer.from([0x61, 0xff]))).toMatch(/UTF-8/);
    expect(answerProblem('application/x-npy', Buffer.from([0xff]))).toBeUndefined();
  });
});

describe('record damage', () => {
  const first = <T>(items: readonly T[]) => items[0]!;

  it('damages a CSV number cell with every kind', () => {
    for (const kind of RECORD_DAMAGE_KINDS) {
      const damaged = damageRecord('5.1,3.5', 'csv', kind, first);
      expect(damaged, kind).toBeDefined();
      expect(damaged!.record).not.toBe('5.1,3.5');
      expect(damaged!.what.length).toBeLessThan(80);
    }
    expect(damageRecord('a,b', 'csv', 'nan', first)).toBeUndefined(); // no number to damage
    expect(damageRecord('5.1,3.5', 'csv', 'missing-value', first)!.record).toBe('5.1');
  });

  it('damages a JSON record in place, keeping the rest of its structure', () => {
    expect(damageRecord('{"features":[1,2]}', 'json', 'nan', first)!.record).toBe(
      '{"features":[NaN,2]}',
    );
    expect(damageRecord('[1,2]', 'json', 'text-value', first)!.record).toBe('["wide",2]');
    expect(damageRecord('[1,2]', 'json', 'extra-value', first)!.record).toBe('[1,2,1]');
    expect(toWire(damageRecord('[1,2]', 'jsonlines', 'non-utf8', first)!.record)).toContain(0xff);
  });
});

describe('toWire', () => {
  it('puts bytes that are not UTF-8 where BAD_BYTE stands, and leaves the rest as UTF-8', () => {
    const wire = toWire(`a${BAD_BYTE}é`);
    expect([...wire]).toEqual([0x61, 0xff, 0xfe, 0xc3, 0xa9]);
    expect(() => utf8(wire)).toThrow();
    expect(utf8(toWire('plain é'))).toBe('plain é');
  });
});

describe('serving garbage', () => {
  const samples = [
    { name: 'csv', contentType: 'text/csv', accept: 'text/csv', body: '5.1,3.5\n6.2,2.9\n' },
    { name: 'json', contentType: 'application/json', body: '{"instances": [[5.1, 3.5]]}' },
  ];

  it('is the same for the same seed and covers every class on every sample', () => {
    const a = garbageRequests(samples, 120, new Random(9), 1_000);
    const b = garbageRequests(samples, 120, new Random(9), 1_000);
    expect(a.map((r) => r.body?.toString('hex'))).toEqual(b.map((r) => r.body?.toString('hex')));
    expect(a).toHaveLength(120);
    for (const kind of Object.keys(GARBAGE))
      for (const sample of ['csv', 'json'])
        expect(
          a.some((r) => r.kind === kind && r.sample === sample),
          `${kind} on ${sample}`,
        ).toBe(true);
    expect(a.filter((r) => r.kind === 'oversized')).toHaveLength(1);
    expect(a.find((r) => r.kind === 'oversized')!.body!.length).toBeGreaterThan(1_000);
  });

  it('sends 3.4e38 in place of every number early on, and bodies that are not UTF-8', () => {
    const requests = garbageRequests(samples, 40, new Random(3), 1_000);
    const everywhere = requests.find((r) => r.what.startsWith('3.4e38 in place of every number'));
    expect(everywhere?.body?.toString()).not.toMatch(/5\.1/);
    const nonUtf8 = requests.filter((r) => r.kind === 'non-utf8');
    expect(nonUtf8.length).toBeGreaterThan(0);
    for (const r of nonUtf8) expect(() => utf8(r.body!)).toThrow();
    const noBody = requests.filter((r) => r.method === 'GET' || r.method === 'DELETE');
    for (const r of noBody) expect(r.body).toBeUndefined();
  });
});

describe('hyperparameter garbage', () => {
  const schema = {
    properties: {
      epochs: { type: 'integer', minimum: 1, maximum: 100 },
      rate: { type: 'number', exclusiveMinimum: 0 },
      shuffle: { type: 'boolean' },
      optimizer: { type: 'string', enum: ['adam', 'sgd'] },
      name: { type: 'string' },
    },
  };

  it('derives every kind from the schema: type, range, NaN, infinities, huge, enum', () => {
    const cases = hyperparameterCases(schema, {});
    const of = (name: string) =>
      cases.filter((c) => c.name === name).map((c) => `${c.kind}=${c.value}`);
    expect(of('epochs')).toEqual(
      expect.arrayContaining([
        'below-minimum=0',
        'above-maximum=101',
        'fraction=2.5',
        `huge=1${'0'.repeat(23)}`,
        'nan=NaN',
        'infinity=-inf',
      ]),
    );
    expect(of('rate')).toEqual(
      expect.arrayContaining(['below-minimum=0', 'huge=1e400', 'wrong-type=wide']),
    );
    expect(of('rate').some((c) => c.startsWith('above-maximum'))).toBe(false);
    expect(of('shuffle')).toEqual(['wrong-type=maybe']);
    expect(of('optimizer')).toEqual(['not-in-enum=none-of-these']);
    expect(of('name')).toEqual([]);
  });

  it('infers types from sample values when there is no schema, and may JSON-encode values', () => {
    const cases = hyperparameterCases(
      undefined,
      { epochs: '5', lr: '"0.1"', tag: 'abc' },
      () => true,
    );
    expect(cases.some((c) => c.name === 'epochs' && c.kind === 'fraction')).toBe(true);
    expect(cases.some((c) => c.name === 'lr' && c.kind === 'fraction')).toBe(false);
    expect(cases.some((c) => c.name === 'tag')).toBe(false);
    expect(cases.every((c) => c.value.startsWith('"'))).toBe(true);
  });
});

describe('data garbage', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('damages one line of a channel file, keeps the other files, and names the 1-based line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'data-garbage-'));
    await mkdir(join(dir, 'in'));
    await writeFile(join(dir, 'in', 'a.csv'), 'label,x,y\ncat,1.5,2\ndog,3,4\n');
    await writeFile(join(dir, 'in', 'b.csv'), 'cat,5,6\n');
    const cases = await dataCases('train', join(dir, 'in'), new Random(5));
    const kinds = cases.map((c) => c.kind).sort();
    expect(kinds).toEqual([
      'column-count',
      'damaged-first-row',
      'empty-file',
      'float32-overflow',
      'header-only',
      'non-finite',
      'non-utf8',
    ]);
    for (const c of cases) {
      const out = join(dir, `out-${c.kind}`);
      await c.write(out);
      const files = await readdir(out);
      const text = await readFile(join(out, 'a.csv'));
      if (c.kind === 'empty-file' || c.kind === 'header-only') {
        expect(files).toEqual(['a.csv']);
        expect(c.line).toBeUndefined();
        continue;
      }
      expect(files.sort()).toEqual(['a.csv', 'b.csv']);
      const line = text.toString('latin1').split('\n')[c.line! - 1]!;
      expect(line, c.kind).not.toMatch(/^(cat,1\.5,2|dog,3,4)$/);
      if (c.kind === 'damaged-first-row') expect(c.line).toBe(1);
      else expect(c.line).toBeGreaterThan(1);
    }
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and stops starting new ones after the deadline', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return n * 2;
    });
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(most).toBe(2);
    expect(await mapLimit([1, 2], 1, async (n) => n, performance.now() - 1)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
