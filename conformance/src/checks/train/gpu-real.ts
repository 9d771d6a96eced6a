import { fail, pass, skip, type Check } from '../../check.ts';
import { describeExit, requireSuccess, withLogs } from '../support/training.ts';
import { gpuOnly, reportedGpus } from '../support/reported-gpus.ts';

export const trainGpuReal: Check = {
  id: 'train.gpu.real',
  title: 'With the host GPUs passed in, training sees all of them',
  clauses: 'G1, G2, L13',
  level: 'must',
  profile: 'training',
  hint: 'Keep NVIDIA_DRIVER_CAPABILITIES unset or with compute,utility, ship the CUDA toolkit but not the driver, and count GPUs with nvidia-smi.',
  notApplicable: gpuOnly,
  async run(ctx) {
    const gpus = await ctx.probes.hostGpus();
    if (gpus === 0)
      return skip(
        "not evaluated: the engine's host has no NVIDIA GPU (the simulated tier, train.gpu.simulated, ran instead)",
      );
    requireSuccess(await ctx.probes.training());
    const run = await ctx.probes.trainingVariant('real-gpus', {
      gpus: 'all',
      fault: `${gpus} host GPUs`,
    });
    if (run.startError || run.timedOut || run.exitCode !== 0) {
      return fail(
        withLogs(
          `with the host's ${gpus} GPUs passed in, training ${describeExit(run)}, expected exit 0`,
          run,
        ),
      );
    }
    const regex = ctx.manifest.conformance.gpu?.reportRegex;
    const reported = reportedGpus(run, regex);
    if (regex && reported !== gpus)
      return fail(
        withLogs(`the image reported ${reported ?? 'no'} GPUs, expected the host's ${gpus}`, run),
      );
    return pass(
      `trained with the host's ${gpus} GPUs${regex ? `, and reported ${reported}` : ''} (${describeExit(run)})`,
    );
  },
};
