import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { describeStatus } from '../../http-exchange.ts';
import { badInputAnswers, is2xx, servesOnly, type BadInputAnswer } from '../support/serving.ts';

/** Bad input must get an error status, and the server must answer /ping and a valid request after it. */
export function judgeSurvival(answers: BadInputAnswer[]): Outcome {
  const problems: string[] = [];
  for (const { request, answer, pingAfter, sampleAfter } of answers) {
    const what = `[${request.name}] POST /invocations (${request.contentType})`;
    if (answer.status === 0)
      problems.push(`${what} got ${describeStatus(answer)}, expected an error status`);
    else if (is2xx(answer.status))
      problems.push(`${what} returned ${answer.status}, expected an error status (4xx)`);
    if (pingAfter.status !== 200)
      problems.push(
        `after ${request.name}, GET /ping returned ${describeStatus(pingAfter)}, expected 200`,
      );
    else if (sampleAfter && !is2xx(sampleAfter.status))
      problems.push(
        `after ${request.name}, a valid request returned ${describeStatus(sampleAfter)}, expected 2xx`,
      );
  }
  if (problems.length > 0) return fail(problems.join('; '));
  return pass(
    answers.map(({ request, answer }) => `${request.name} → ${answer.status}`).join(', ') +
      '; the server kept serving',
  );
}

export const serveBadInputSurvives: Check = {
  id: 'serve.bad-input.survives',
  title: 'Bad input gets an error status and the server keeps serving',
  clauses: 'I4, S8, §9.7',
  level: 'must',
  profile: 'serving',
  phase: 'disturb',
  hint: 'Validate requests and answer errors with a status and a body instead of crashing or answering 200; a dead worker makes every later request fail.',
  notApplicable: servesOnly,
  run: async (ctx) => judgeSurvival(await badInputAnswers(ctx)),
};
