import { fail, type Check } from '../../check.ts';
import { judgeFailureFile } from './failure-file.ts';
import { describeExit, requireSuccess, withLogs } from '../support/training.ts';

export const trainFailureMissingChannel: Check = {
  id: 'train.failure.missing-channel',
  title: 'A run without its input channels fails with a failure file that says so',
  clauses: 'T11, T17, T18',
  level: 'should',
  profile: 'training',
  hint: 'Check at start that the channels you need are in inputdataconfig.json and /opt/ml/input/data; if one is missing, write which one (and how to add it) to /opt/ml/output/failure and exit non-zero, instead of training on nothing.',
  notApplicable: ({ manifest }) =>
    !manifest.capabilities.train
      ? 'the image does not train'
      : Object.keys(manifest.conformance.training?.channels ?? {}).length === 0
        ? 'the sample run uses no channels'
        : undefined,
  async run(ctx) {
    requireSuccess(await ctx.probes.training());
    const run = await ctx.probes.trainingVariant('no-channels', {
      channels: {},
      fault: 'no input channels',
    });
    if (!run.startError && !run.timedOut && run.exitCode === 0)
      return fail(
        withLogs(`with no input channels, training ${describeExit(run)}, expected it to fail`, run),
      );
    return judgeFailureFile(run);
  },
};
