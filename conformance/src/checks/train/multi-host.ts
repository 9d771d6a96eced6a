import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { describeExit, requireSuccess, withLogs } from '../support/training.ts';
import { trainsOnly } from '../support/training.ts';

export function judgeMultiHost(runs: TrainingObservation[], hosts: string[]): Outcome {
  const failed = runs
    .map((run, i) => ({ run, host: hosts[i] ?? `host ${i + 1}` }))
    .filter(({ run }) => run.startError || run.timedOut || run.exitCode !== 0);
  if (failed.length > 0) {
    return fail(
      failed
        .map(({ run, host }) =>
          withLogs(
            `${host} of a ${hosts.length}-host job ${describeExit(run)}, expected exit 0`,
            run,
          ),
        )
        .join('\n'),
    );
  }
  return pass(runs.map((run, i) => `${hosts[i]}: ${describeExit(run)}`).join(', '));
}

export const trainMultiHost: Check = {
  id: 'train.multi-host',
  title: 'Two hosts (algo-1, algo-2) on one network both finish training',
  clauses: 'T12, T24',
  level: 'must',
  profile: 'training',
  hint: 'Read current_host and hosts from resourceconfig.json; every host runs the same image and must exit 0 (write to /opt/ml/model without clashing file names, or only from one host).',
  notApplicable: trainsOnly,
  async run(ctx) {
    requireSuccess(await ctx.probes.training());
    return judgeMultiHost(await ctx.probes.multiHostTraining(), ['algo-1', 'algo-2']);
  },
};
