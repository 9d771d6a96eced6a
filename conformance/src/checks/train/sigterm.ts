import { limits } from '@sagemaker-templates/contract';
import { ContainerExitedError } from '@sagemaker-templates/engine';
import { fail, pass, type Check } from '../../check.ts';
import { requireSuccess } from './observation.ts';
import { trainsOnly } from './variant-run.ts';

export const trainSigterm: Check = {
  id: 'train.sigterm',
  title: 'Training exits within 120 s of SIGTERM',
  source: 'T20, T21',
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
    if (!run.container) return fail(`the long-running training could not start: ${run.startError}`);
    try {
      // Mid-training means after the first metric line (the handler is surely installed by then),
      // or after any output when the manifest declares no metrics.
      const metric = ctx.manifest.conformance.training?.metrics[0]?.regex;
      await run.container.waitForLog(metric ? new RegExp(metric, 'm') : /\S/, 60_000);
    } catch (error) {
      if (error instanceof ContainerExitedError) {
        return fail(
          `training with longRunningHyperparameters ended (exit ${error.exitCode}) before SIGTERM could be sent, expected it to run for a minute`,
          'Make conformance.training.longRunningHyperparameters keep training busy for at least a minute.',
        );
      }
      throw error;
    }
    const signalled = performance.now();
    await run.container.signal('SIGTERM');
    const exit = await run.container.waitForExit(limits.trainingSigtermGraceMs);
    if (exit.timedOut)
      return fail(
        `training was still running ${limits.trainingSigtermGraceMs / 1000} s after SIGTERM, expected it to exit`,
      );
    return pass(
      `training exited ${exit.exitCode} ${Math.round(performance.now() - signalled)} ms after SIGTERM`,
    );
  },
};
