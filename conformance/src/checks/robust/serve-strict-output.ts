import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { answerProblem } from '../../robustness/records.ts';
import { is2xx, sampleAnswers, servesOnly } from '../support/serving.ts';
import { describeAnswer, fuzzRun, replay } from '../support/fuzz-run.ts';
import { recordRun } from '../support/record-run.ts';
import type { HttpExchange } from '../../http-exchange.ts';

export interface Answered {
  /** What was sent, for messages. */
  what: string;
  answer: HttpExchange;
}

/** Every 2xx answer must be valid in the content type it declares (R2). */
export function judgeStrictOutput(answers: Answered[], seed: number): Outcome {
  const ok = answers.filter(({ answer }) => is2xx(answer.status));
  const problems = ok.flatMap(({ what, answer }) => {
    const problem = answerProblem(answer.contentType, answer.raw ?? Buffer.from(answer.body));
    return problem ? [`${what}: ${problem}`] : [];
  });
  if (problems.length > 0)
    return fail(
      `${problems.length} of ${ok.length} 2xx answers are not valid in their content type, e.g. ${problems.slice(0, 3).join('; ')}; ${replay(seed)}`,
    );
  return pass(`${ok.length} 2xx answers, each valid in its declared content type`);
}

export const robustServeStrictOutput: Check = {
  id: 'robust.serve.strict-output',
  title: 'Every 2xx answer is valid in its declared content type',
  clauses: 'R2',
  level: 'must',
  profile: 'robustness',
  phase: 'fuzz',
  hint: 'Serialize JSON with NaN and Infinity refused (Python: json.dumps(allow_nan=False)) and answer 400 when the model cannot produce a finite prediction for an input: NaN is not JSON, and clients fail to parse it.',
  notApplicable: servesOnly,
  async run(ctx) {
    const fuzz = await fuzzRun(ctx);
    const records = await recordRun(ctx);
    const answers: Answered[] = [
      ...(await sampleAnswers(ctx)).map(({ request, answer }) => ({
        what: `sample ${request.name}`,
        answer,
      })),
      ...fuzz.answers.map((a) => ({ what: describeAnswer(a).split(' → ')[0]!, answer: a.answer })),
      ...records.map(({ what, answer }) => ({ what, answer })),
    ];
    return judgeStrictOutput(answers, fuzz.seed);
  },
};
