import { fail, pass, type Check, type Outcome } from '../../check.ts';
import { describeStatus } from '../../http-exchange.ts';
import { is2xx, servesOnly } from '../support/serving.ts';
import {
  describeAnswer,
  fuzzRun,
  replay,
  type FuzzAnswer,
  type FuzzRun,
} from '../support/fuzz-run.ts';

const EXAMPLES = 4;
/** A Python traceback, a Node.js stack frame or a Java one: internals no client should see (R1). */
const TRACEBACK =
  /Traceback \(most recent call last\)|File "[^"]+", line \d+|\n\s+at \S+ \(\S+:\d+:\d+\)|\n\s+at [\w.$]+\([\w.]+\.java:\d+\)/;

/** `400×180, 413×1, 415×19` */
export function histogram(answers: FuzzAnswer[]): string {
  const counts = new Map<string, number>();
  for (const { answer } of answers) {
    const key = answer.status === 0 ? 'none' : String(answer.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}×${n}`)
    .join(', ');
}

function examples(label: string, found: FuzzAnswer[]): string[] {
  if (found.length === 0) return [];
  const shown = found.slice(0, EXAMPLES).map(describeAnswer).join('; ');
  return [`${found.length} ${label}, e.g. ${shown}`];
}

/** Garbage must get a 4xx (never a 5xx or no answer), and the server must be whole afterwards (R1). */
export function judgeGarbage(run: FuzzRun): Outcome {
  const { answers } = run;
  const problems = [
    ...examples(
      'answered 5xx',
      answers.filter(({ answer }) => answer.status >= 500),
    ),
    ...examples(
      'got no answer (connection dropped or timed out)',
      answers.filter(({ answer }) => answer.status === 0),
    ),
    ...examples(
      'answered with a traceback',
      answers.filter(({ answer }) => answer.status >= 400 && TRACEBACK.test(answer.body)),
    ),
  ];
  if (run.pingAfter.status !== 200)
    problems.push(
      `after the garbage, GET /ping answered ${describeStatus(run.pingAfter)}, expected 200`,
    );
  if (run.sampleAfter && !is2xx(run.sampleAfter.status))
    problems.push(
      `after the garbage, a valid sample request answered ${describeStatus(run.sampleAfter)}, expected 2xx`,
    );
  if (run.lostProcesses.length > 0)
    problems.push(
      `${run.lostProcesses.length} process(es) died or were restarted: ${run.lostProcesses
        .slice(0, 3)
        .map((c) => c.slice(0, 100))
        .join('; ')}`,
    );
  const sent = `${answers.length} garbage requests${answers.length < run.planned ? ` of ${run.planned} (time budget reached)` : ''}`;
  if (problems.length > 0)
    return fail(
      `${sent}: ${problems.join('; ')}. Statuses: ${histogram(answers)}; ${replay(run.seed)}`,
    );
  const slowest = Math.max(0, ...answers.map(({ answer }) => answer.durationMs));
  return pass(
    `${sent} (seed ${run.seed}): ${histogram(answers)}; slowest ${slowest} ms; /ping and a sample answered after it, no process restarted`,
  );
}

export const robustServeGarbage: Check = {
  id: 'robust.serve.garbage',
  title: 'Generated garbage gets 4xx answers, and the server stays whole',
  clauses: 'R1, B1',
  level: 'must',
  profile: 'robustness',
  phase: 'fuzz',
  hint: 'Validate every request before the model sees it and answer 400/406/413/415 with a short message: catch recursion and overflow errors, decode UTF-8 strictly, refuse NaN and Infinity, bound anything you echo. A 5xx is counted as a model error and retried by batch transform.',
  notApplicable: servesOnly,
  run: async (ctx) => judgeGarbage(await fuzzRun(ctx)),
};
