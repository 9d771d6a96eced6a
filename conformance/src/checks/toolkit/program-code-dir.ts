import { BlockedError } from '../../blocked-error.ts';
import { fail, pass, type Check } from '../../check.ts';
import { describeExit, withLogs } from '../support/training.ts';
import { PROBE_PROGRAM, probeRecord, probeRun, toolkitOnly } from '../support/toolkit-probe.ts';

export const toolkitProgramCodeDir: Check = {
  id: 'toolkit.program.code-dir',
  title: 'The toolkit runs $SAGEMAKER_PROGRAM from /opt/ml/code, in that folder',
  clauses: '§2.1(5), §2.1(6)',
  level: 'must',
  profile: 'toolkit',
  hint: 'Leave the entry point to the toolkit: `train` must be sagemaker-training (or a framework image whose `train` is), SAGEMAKER_PROGRAM names your script, and SAGEMAKER_SUBMIT_DIRECTORY is /opt/ml/code (or unset).',
  notApplicable: toolkitOnly,
  async run(ctx) {
    let record;
    try {
      record = await probeRecord(ctx);
    } catch (error) {
      if (!(error instanceof BlockedError) || error.blockedBy !== this.id) throw error;
      const run = await probeRun(ctx, false);
      return fail(
        withLogs(
          `with SAGEMAKER_PROGRAM=${PROBE_PROGRAM} in /opt/ml/code, training ${describeExit(run)} and the program never ran`,
          run,
        ),
      );
    }
    if (record.cwd !== '/opt/ml/code')
      return fail(`the program ran in ${record.cwd}, expected /opt/ml/code`);
    if (record.run.exitCode !== 0)
      return fail(
        withLogs(`the program ran, but training ${describeExit(record.run)}`, record.run),
      );
    return pass(`ran ${PROBE_PROGRAM} in /opt/ml/code and exited 0 (${describeExit(record.run)})`);
  },
};
