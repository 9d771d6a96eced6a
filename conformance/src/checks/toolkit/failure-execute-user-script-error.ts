import { fail, pass, type Check } from '../../check.ts';
import { describeExit, requireStarted, withLogs } from '../support/training.ts';
import { probeRun, toolkitOnly } from '../support/toolkit-probe.ts';

export const toolkitFailureText: Check = {
  id: 'toolkit.failure.execute-user-script-error',
  title: 'A failing program gives ExecuteUserScriptError in the failure file and exit 1',
  clauses: 'K7, §9.12',
  level: 'should',
  profile: 'toolkit',
  hint: 'Let the toolkit report a failing script: it writes `ExecuteUserScriptError:` with the exit code and the end of stderr to /opt/ml/output/failure and exits 1; SageMaker shows that text as the job’s FailureReason.',
  notApplicable: toolkitOnly,
  async run(ctx) {
    const run = await probeRun(ctx, true);
    requireStarted(run);
    const failure = run.failure?.trim() ?? '';
    if (run.timedOut || run.exitCode !== 1)
      return fail(
        withLogs(
          `with a program that exits 3, training ${describeExit(run)}, expected exit 1`,
          run,
        ),
      );
    if (!failure.startsWith('ExecuteUserScriptError'))
      return fail(
        `/opt/ml/output/failure ${failure ? `begins ${JSON.stringify(failure.slice(0, 80))}` : 'is missing or empty'}, expected it to begin with ExecuteUserScriptError`,
      );
    return pass(`exit 1; /opt/ml/output/failure begins ${JSON.stringify(failure.split('\n')[0])}`);
  },
};
