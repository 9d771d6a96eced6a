import { fail, pass, skip, type Check, type Outcome } from '../../check.ts';
import { describeStatus, excerpt } from '../../http-exchange.ts';
import { countAnswerRecords } from '../../robustness/records.ts';
import { is2xx, servesOnly } from '../support/serving.ts';
import { replay } from '../support/fuzz-run.ts';
import { recordRun, type RecordExchange } from '../support/record-run.ts';

const answered = (x: RecordExchange) =>
  `${describeStatus(x.answer)}${x.answer.status ? `: ${excerpt(x.answer.body, 100)}` : ''}`;

/** N records in, N predictions out; a damaged record refused with a 4xx, not dropped (R3). */
export function judgeRecordCount(exchanges: RecordExchange[], seed: number): Outcome {
  const problems: string[] = [];
  let counted = 0;
  for (const x of exchanges) {
    const status = x.answer.status;
    if (x.damage) {
      if (status < 400 || status >= 500) {
        const got = is2xx(status)
          ? ` with ${countAnswerRecords(x.answer.contentType, x.answer.body) ?? 'an unknown number of'} predictions`
          : '';
        problems.push(
          `${x.what} answered ${describeStatus(x.answer)}${got}, expected a 4xx naming the record`,
        );
      }
      continue;
    }
    if (!is2xx(status)) {
      problems.push(`${x.what} answered ${answered(x)}, expected 2xx`);
      continue;
    }
    const got = countAnswerRecords(x.answer.contentType, x.answer.body);
    if (got === undefined) continue;
    counted++;
    if (got !== x.records)
      problems.push(`${x.what} answered ${got} predictions, expected ${x.records}`);
  }
  if (problems.length > 0)
    return fail(
      `${problems.slice(0, 4).join('; ')}${problems.length > 4 ? `; and ${problems.length - 4} more` : ''}; ${replay(seed)}`,
    );
  if (exchanges.length === 0)
    return skip(
      'not applicable: no sample request holds a list of records (CSV lines, JSON instances, JSON Lines)',
    );
  const damaged = exchanges.filter((x) => x.damage).length;
  if (counted === 0)
    return skip(
      `not applicable: the answers have no shape whose records can be counted (a JSON array, "predictions", CSV or JSON Lines); ${damaged} damaged records were refused`,
    );
  return pass(
    `${counted} valid bodies got one prediction per record; ${damaged} bodies with a damaged record got a 4xx`,
  );
}

export const robustServeRecordCount: Check = {
  id: 'robust.serve.record-count',
  title: 'One prediction per record in; a damaged record gets a 4xx, not a silent drop',
  clauses: 'R3, B4, L11',
  level: 'must',
  profile: 'robustness',
  phase: 'fuzz',
  hint: 'Answer N predictions for N records, in order, and refuse a body whose record cannot be read with a 400 that names the record. Never skip a "header" line or an unreadable row: batch transform joins outputs to inputs by position.',
  notApplicable: servesOnly,
  run: async (ctx) => judgeRecordCount(await recordRun(ctx), ctx.fuzz.seed),
};
