import { fail, pass, type Check } from '../../check.ts';
import { describeExit } from '../support/training.ts';
import { probeRecord, toolkitOnly } from '../support/toolkit-probe.ts';

export const toolkitSuccessFile: Check = {
  id: 'toolkit.success-file',
  title: 'A successful run leaves an empty /opt/ml/output/success',
  clauses: 'K6, §9.5',
  level: 'should',
  profile: 'toolkit',
  hint: 'The sagemaker-training toolkit creates /opt/ml/output/success when the script exits 0; tools that watch for it (and the README of the toolkit) expect it.',
  notApplicable: toolkitOnly,
  async run(ctx) {
    const { run } = await probeRecord(ctx);
    return run.successFile
      ? pass(`/opt/ml/output/success exists after a successful run (${describeExit(run)})`)
      : fail(`no /opt/ml/output/success after a successful run (${describeExit(run)})`);
  },
};
