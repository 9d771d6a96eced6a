import { limits } from '@sagemaker-templates/contract';
import { fail, pass, type Check } from '../../check.ts';
import { requireSuccess } from '../support/training.ts';
import { trainsOnly } from '../support/training.ts';
import { scaledMs } from '../../platform-run.ts';

export const trainSigterm: Check = {
  id: 'train.sigterm',
  title: 'Training exits within 120 s of SIGTERM',
  clauses: 'T20, T21',
  level: 'must',
  profile: 'training',
  hint: 'Install a SIGTERM handler in the process that is PID 1 (save what you can, then exit): without one the kernel drops SIGTERM at PID 1 and StopTrainingJob waits 120 s for SIGKILL.',
  notApplicable: (ctx) =>
    trainsOnly(ctx) ??
    (ctx.manifest.conformance.training?.longRunningHyperparameters
      ? undefined
      : 'the manifest has no conformance.training.longRunningHyperparameters to keep training busy'),
  async run(ctx) {
    requireSuccess(await ctx.probes.training());
    const hyperparameters = ctx.manifest.conformance.training?.longRunningHyperparameters ?? {};
    const run = await ctx.probes.startTraining({
      hyperparameters,
      fault: 'long-running hyperparameters',
    });
    const container = run.container;
    if (!container) return fail(`the long-running training could not start: ${run.startError}`);
    try {
      // Mid-training means after the first metric line (the handler is surely installed by then),
      // or after any output when the manifest declares no metrics.
      const metric = ctx.manifest.conformance.training?.metrics[0]?.regex;
      await container.waitForLog(
        metric ? new RegExp(metric, 'm') : /\S/,
        scaledMs(ctx.platform, 60_000),
      );
    } catch (error) {
      const state = await container.state();
      if (!state.running) {
        return fail(
          `training with longRunningHyperparameters ended (exit ${state.exitCode}) before SIGTERM could be sent, expected it to run for a minute`,
          'Make conformance.training.longRunningHyperparameters keep training busy for at least a minute.',
        );
      }
      throw error;
    }
    const graceMs = scaledMs(ctx.platform, limits.trainingSigtermGraceMs);
    const signalled = performance.now();
    await container.signal('SIGTERM');
    const exit = await container.waitForExit(graceMs);
    if (exit.timedOut)
      return fail(
        `training was still running ${graceMs / 1000} s after SIGTERM, expected it to exit`,
      );
    return pass(
      `training exited ${exit.exitCode} ${Math.round(performance.now() - signalled)} ms after SIGTERM`,
    );
  },
};
