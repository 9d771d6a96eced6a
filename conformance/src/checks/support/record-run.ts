import type { CheckContext } from '../../check.ts';
import type { HttpExchange, ServingSession } from '../../observations.ts';
import {
  damageRecord,
  RECORD_DAMAGE_KINDS,
  VALUE_DAMAGE_KINDS,
} from '../../robustness/record-damage.ts';
import { essence, splitRecords, type RecordBody } from '../../robustness/records.ts';
import type { WorkingSample } from '../../robustness/serving-garbage.ts';
import { Random } from '../../robustness/random.ts';
import { toWire } from '../../robustness/wire.ts';
import { once, readySession } from './serving.ts';
import { workingSamples } from './fuzz-run.ts';

/** One request of the record check: N clean records, or N records with one damaged. */
export interface RecordExchange {
  sample: string;
  what: string;
  records: number;
  /** The damage kind, for a request that must be refused; undefined for a clean one. */
  damage?: string;
  answer: HttpExchange;
}

/** Bodies of 2–6 records per sample type, clean and damaged one kind at a time; sent once per run. */
export function recordRun(ctx: CheckContext): Promise<RecordExchange[]> {
  return once(ctx, 'records', async () => {
    const session = await readySession(ctx);
    const seen = new Set<string>();
    const exchanges: RecordExchange[] = [];
    for (const sample of await workingSamples(ctx)) {
      const split = splitRecords(sample.contentType, sample.body);
      const type = `${essence(sample.contentType)} → ${essence(sample.accept ?? '*/*')}`;
      if (!split || seen.has(type)) continue;
      seen.add(type);
      exchanges.push(...(await sampleRecords(ctx, session, sample, split, type)));
    }
    return exchanges;
  });
}

/** One sample type's bodies: its records clean, then each damage kind the template does not accept. */
async function sampleRecords(
  ctx: CheckContext,
  session: ServingSession,
  sample: WorkingSample,
  split: RecordBody,
  type: string,
): Promise<RecordExchange[]> {
  const accepted = ctx.manifest.conformance.robustness.accept;
  const random = new Random(ctx.fuzz.seed).fork(`records:${sample.name}`);
  const count = random.int(2, 6);
  const records = Array.from({ length: count }, (_, i) => split.records[i % split.records.length]!);
  const exchanges: RecordExchange[] = [];
  const send = async (body: string, what: string, damage?: string) => {
    const answer = await session.request('/invocations', {
      method: 'POST',
      headers: {
        'Content-Type': sample.contentType,
        ...(sample.accept ? { Accept: sample.accept } : {}),
      },
      body: toWire(body),
    });
    exchanges.push({
      sample: sample.name,
      what,
      records: count,
      ...(damage ? { damage } : {}),
      answer,
    });
  };
  await send(split.render(records), `${count} valid records (${type})`);
  // Bad values come first, and the first two go into the first record: a record whose values
  // are not numbers is the one a server may take for a header and drop.
  const valueFirst = (k: string) => (VALUE_DAMAGE_KINDS.includes(k) ? 0 : 1);
  const kinds = random
    .shuffle(RECORD_DAMAGE_KINDS.filter((k) => !accepted[`record.${k}`]))
    .sort((a, b) => valueFirst(a) - valueFirst(b));
  for (const [turn, kind] of kinds.entries()) {
    const at = turn < 2 ? 0 : random.int(0, count - 1);
    const damaged = damageRecord(records[at]!, split.format, kind, (items) => random.pick(items));
    if (!damaged) continue;
    const body = split.render(records.map((r, i) => (i === at ? damaged.record : r)));
    await send(body, `record ${at + 1} of ${count} (${type}) with ${damaged.what}`, kind);
  }
  return exchanges;
}
