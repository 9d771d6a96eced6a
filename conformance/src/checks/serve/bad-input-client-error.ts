import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { badInputAnswers, servesOnly, type BadInputAnswer } from '../support/serving.ts';

/** SageMaker accepts any error status (AWS toolkits answer 500); 4xx tells the caller it is their input. */
export function judgeClientError(answers: BadInputAnswer[]): Outcome {
  const answered = answers.filter(({ answer }) => answer.status >= 300);
  const not4xx = answered.filter(({ answer }) => answer.status < 400 || answer.status >= 500);
  if (not4xx.length > 0) {
    return fail(
      not4xx
        .map(
          ({ request, answer }) =>
            `[${request.name}] answered ${answer.status}, expected 4xx (400, 406, 413 or 415)`,
        )
        .join('; '),
    );
  }
  return pass(
    answered.map(({ request, answer }) => `${request.name} → ${answer.status}`).join(', '),
  );
}

export const serveBadInputClientError: Check = {
  id: 'serve.bad-input.client-error',
  title: 'Bad input is answered with a 4xx status',
  clauses: 'S9, S11, §9.7',
  level: 'should',
  profile: 'serving',
  phase: 'disturb',
  hint: 'Answer 400 for malformed bodies, 415 for an unsupported Content-Type and 406 for an unsatisfiable Accept: 5xx counts as a model error in CloudWatch and is retried by batch transform.',
  notApplicable: servesOnly,
  run: async (ctx) => judgeClientError(await badInputAnswers(ctx)),
};
