import type { Random } from './random.ts';
import { essence, recordFormat } from './records.ts';
import { BAD_BYTE, toWire } from './wire.ts';

/** A valid sample request the server answered 2xx: the seed of the garbage. */
export interface WorkingSample {
  name: string;
  contentType: string;
  accept?: string;
  body: string;
}

export interface GarbageRequest {
  /** The class of garbage (stable id). */
  kind: string;
  /** What exactly was sent, short enough for a message. */
  what: string;
  sample: string;
  method: 'POST' | 'GET' | 'PUT' | 'DELETE' | 'PATCH';
  headers: Record<string, string>;
  body: Buffer | undefined;
}

type Draft = Omit<GarbageRequest, 'kind' | 'sample' | 'method'> & {
  method?: GarbageRequest['method'];
};
type Generator = (sample: WorkingSample, random: Random, turn: number) => Draft;

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** The body with one number (or, with `every`, all of them) replaced. */
function replaceNumbers(body: string, random: Random, token: string, every = false): string {
  const spans = [...body.matchAll(NUMBER)];
  if (spans.length === 0) return `${body}${token}`;
  const chosen = every ? spans : [random.pick(spans)];
  let out = body;
  for (const span of [...chosen].reverse()) {
    out = out.slice(0, span.index) + token + out.slice(span.index + span[0].length);
  }
  return out;
}

const headersOf = (s: WorkingSample): Record<string, string> => ({
  'Content-Type': s.contentType,
  ...(s.accept ? { Accept: s.accept } : {}),
});
const text = (s: WorkingSample, body: string, what: string): Draft => ({
  what,
  headers: headersOf(s),
  body: toWire(body),
});
const cycle = <T>(items: readonly T[], turn: number): T => items[turn % items.length]!;
const isJson = (s: WorkingSample) => recordFormat(s.contentType) !== 'csv';

const deepNesting: Generator = (s, random, turn) => {
  const depth = random.int(1_000, 10_000);
  const shapes: [string, string][] = [
    [`${'['.repeat(depth)}${']'.repeat(depth)}`, `[ × ${depth} balanced`],
    ['['.repeat(depth), `[ × ${depth}, never closed`],
    [`{"instances": ${'['.repeat(depth)}1${']'.repeat(depth)}}`, `instances nested ${depth} deep`],
    [`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `objects nested ${depth} deep`],
  ];
  const [body, what] = cycle(shapes, turn);
  return text(s, body, what);
};

const hugeNumber: Generator = (s, random, turn) => {
  const digits = random.int(300, 1_000);
  const tokens: [string, string][] = [
    ['9'.repeat(digits), `an integer of ${digits} digits`],
    [`-${'9'.repeat(digits)}`, `a negative integer of ${digits} digits`],
    [`1e${'9'.repeat(random.int(5, 40))}`, 'an exponent of many digits'],
    [`0.${'0'.repeat(digits)}1`, `a fraction of ${digits} digits`],
  ];
  const [token, what] = cycle(tokens, turn);
  return text(s, replaceNumbers(s.body, random, token), `${what} in place of a number`);
};

const nonFinite: Generator = (s, random, turn) => {
  // 3.4e38 is finite in float32, but arithmetic on it overflows: the answer must still be valid (R2).
  const tokens = [
    '3.4e38',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '-1e400',
    'nan',
    'inf',
    '1e39',
  ];
  const token = cycle(tokens, turn);
  const every = token === '3.4e38';
  return text(
    s,
    replaceNumbers(s.body, random, token, every),
    `${token} in place of ${every ? 'every number' : 'a number'}`,
  );
};

const nonUtf8: Generator = (s, random) => {
  const count = random.int(1, 3);
  let body = s.body;
  for (let i = 0; i < count; i++) {
    const at = random.int(0, body.length);
    body = body.slice(0, at) + BAD_BYTE + body.slice(at);
  }
  return text(s, body, `${count} byte pair(s) that are not UTF-8`);
};

const truncated: Generator = (s, random) => {
  const bytes = toWire(s.body);
  const at = bytes.length > 1 ? random.int(1, bytes.length - 1) : 0;
  return {
    what: `cut after ${at} of ${bytes.length} bytes`,
    headers: headersOf(s),
    body: bytes.subarray(0, at),
  };
};

const JSON_SHAPES = [
  '"instances"',
  '42',
  '{}',
  '{"instances": 5}',
  '{"instances": [[]]}',
  '{"instances": ["a"]}',
  '[[]]',
  'null',
  'true',
  '[{}]',
];
const JSON_VALUES = ['"x"', 'true', 'null', '{}', '[]'];
const CSV_CELLS = ['wide', '"', '"unterminated', '1;2;3', '1\t2', ',,,,', '1,'.repeat(200)];

const wrongTypes: Generator = (s, random, turn) => {
  if (isJson(s)) {
    if (turn % 2 === 0) {
      const shape = cycle(JSON_SHAPES, turn / 2);
      return text(s, shape, `the body ${shape}`);
    }
    const value = cycle(JSON_VALUES, (turn - 1) / 2);
    return text(s, replaceNumbers(s.body, random, value), `${value} in place of a number`);
  }
  const cell = cycle(CSV_CELLS, turn);
  return text(
    s,
    replaceNumbers(s.body, random, cell),
    `${JSON.stringify(cell.slice(0, 20))} in place of a number`,
  );
};

const ODD_HEADERS: ((s: WorkingSample) => [Record<string, string>, string])[] = [
  (s) => [{ ...(s.accept ? { Accept: s.accept } : {}) }, 'no Content-Type'],
  (s) => [{ 'Content-Type': s.contentType }, 'no Accept'],
  (s) => [
    { ...headersOf(s), 'Content-Type': s.contentType.toUpperCase() },
    'Content-Type in capitals',
  ],
  (s) => [
    { ...headersOf(s), 'Content-Type': `${essence(s.contentType)};;;` },
    'Content-Type with empty parameters',
  ],
  (s) => [
    { ...headersOf(s), 'Content-Type': `${essence(s.contentType)}; charset=klingon` },
    'an unknown charset',
  ],
  (s) => [
    { ...headersOf(s), 'Content-Type': `${essence(s.contentType)}; charset=utf-16` },
    'charset=utf-16 on a UTF-8 body',
  ],
  (s) => [
    { ...headersOf(s), 'Content-Type': 'application/octet-stream' },
    'Content-Type application/octet-stream',
  ],
  (s) => [
    { ...headersOf(s), 'Content-Type': 'multipart/form-data; boundary=x' },
    'Content-Type multipart/form-data',
  ],
  (s) => [
    { ...headersOf(s), 'Content-Type': `${essence(s.contentType)}/extra` },
    'a Content-Type with three parts',
  ],
  (s) => [{ ...headersOf(s), Accept: '*/*;q=abc' }, 'Accept */*;q=abc'],
  (s) => [{ ...headersOf(s), Accept: 'zzz/zzz' }, 'Accept zzz/zzz'],
  (s) => [
    { ...headersOf(s), Accept: `${essence(s.accept ?? s.contentType)};q=0` },
    'Accept with q=0',
  ],
  (s) => [
    {
      ...headersOf(s),
      Accept: Array.from({ length: 60 }, (_, i) => `x/y${i};q=0.${i % 10}`).join(', '),
    },
    'Accept of 60 entries',
  ],
  (s) => [
    { ...headersOf(s), 'X-Amzn-SageMaker-Custom-Attributes': 'a=b;'.repeat(204) },
    'custom attributes of 1020 characters',
  ],
  (s) => [
    {
      ...headersOf(s),
      ...Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [`X-Unknown-${i}`, 'v'.repeat(100)]),
      ),
    },
    '20 unknown headers',
  ],
];

const oddHeaders: Generator = (s, _random, turn) => {
  const [headers, what] = cycle(ODD_HEADERS, turn)(s);
  return { what, headers, body: toWire(s.body) };
};

const emptyBody: Generator = (s, _random, turn) =>
  turn % 2 === 0
    ? { what: 'an empty body', headers: headersOf(s), body: Buffer.alloc(0) }
    : { what: 'an empty body without Content-Type', headers: {}, body: Buffer.alloc(0) };

const randomBytes: Generator = (s, random) => {
  const length = random.int(1, 65_536);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = random.int(0, 255);
  return { what: `${length} random bytes`, headers: headersOf(s), body };
};

const wrongMethod: Generator = (s, _random, turn) => {
  const method = cycle(['GET', 'PUT', 'DELETE', 'PATCH'] as const, turn);
  const hasBody = method === 'PUT' || method === 'PATCH';
  return {
    what: `${method} /invocations`,
    method,
    headers: headersOf(s),
    body: hasBody ? toWire(s.body) : undefined,
  };
};

/** The classes of garbage, each a generator; ids are stable and appear in messages. */
export const GARBAGE: Record<string, Generator> = {
  'deep-nesting': deepNesting,
  'huge-number': hugeNumber,
  'non-finite': nonFinite,
  'non-utf8': nonUtf8,
  truncated,
  'wrong-types': wrongTypes,
  'odd-headers': oddHeaders,
  'empty-body': emptyBody,
  'random-bytes': randomBytes,
  'wrong-method': wrongMethod,
};

/** The sample's records repeated until the body is just over `limitBytes`: one per run (it is large). */
export function oversized(sample: WorkingSample, limitBytes: number): GarbageRequest {
  const unit = sample.body.endsWith('\n') ? sample.body : `${sample.body}\n`;
  const body = Buffer.from(unit.repeat(Math.ceil((limitBytes + 65_536) / Buffer.byteLength(unit))));
  return {
    kind: 'oversized',
    what: `${body.length} bytes, over the ${limitBytes}-byte limit`,
    sample: sample.name,
    method: 'POST',
    headers: headersOf(sample),
    body,
  };
}

/**
 * `count` garbage requests derived from the samples: every class takes its turn (in a seeded order),
 * each turn on the next sample, so every declared content type gets every class; plus one body over
 * the payload limit.
 */
export function garbageRequests(
  samples: readonly WorkingSample[],
  count: number,
  random: Random,
  limitBytes: number,
): GarbageRequest[] {
  if (samples.length === 0) return [];
  const kinds = random.shuffle(Object.keys(GARBAGE));
  const turns = new Map<string, number>();
  const requests: GarbageRequest[] = [];
  for (let i = 0; requests.length < count - 1; i++) {
    const kind = kinds[i % kinds.length]!;
    const turn = turns.get(kind) ?? 0;
    turns.set(kind, turn + 1);
    // Turn t goes to sample t mod n with variant t div n: every variant meets every sample.
    const sample = samples[turn % samples.length]!;
    const draft = GARBAGE[kind]!(sample, random, Math.floor(turn / samples.length));
    requests.push({ kind, sample: sample.name, method: 'POST', ...draft });
  }
  requests.push(oversized(random.pick(samples), limitBytes));
  return requests;
}
