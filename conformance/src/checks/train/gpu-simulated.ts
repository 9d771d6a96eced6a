import { fileURLToPath } from 'node:url';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { requireSuccess, withLogs, describeExit } from '../support/training.ts';
import { gpuOnly, reportedGpus } from '../support/reported-gpus.ts';

const FAKE_NVIDIA_SMI = fileURLToPath(new URL('../../probes/fake-nvidia-smi.sh', import.meta.url));
export const SIMULATED_GPUS = 2;

export function judgeSimulatedGpus(run: TrainingObservation, regex: string | undefined): Outcome {
  if (run.startError || run.timedOut || run.exitCode !== 0) {
    return fail(
      withLogs(
        `with a simulated nvidia-smi listing ${SIMULATED_GPUS} GPUs and no CUDA device, training ${describeExit(run)}, expected it to fall back to the CPU and exit 0`,
        run,
      ),
    );
  }
  const reported = reportedGpus(run, regex);
  if (regex && reported !== SIMULATED_GPUS) {
    return fail(
      withLogs(
        `the image reported ${reported ?? 'no'} GPUs (conformance.gpu.reportRegex ${JSON.stringify(regex)}), expected the ${SIMULATED_GPUS} that nvidia-smi listed`,
        run,
      ),
    );
  }
  return pass(
    `trained on the CPU with ${SIMULATED_GPUS} simulated GPUs${regex ? `, and reported ${reported}` : ''} (${describeExit(run)})`,
  );
}

export const trainGpuSimulated: Check = {
  id: 'train.gpu.simulated',
  title: 'GPU detection reports what nvidia-smi lists and falls back to the CPU',
  clauses: 'K3, G2',
  level: 'must',
  profile: 'training',
  hint: 'Count GPUs as the SageMaker toolkit does (`nvidia-smi --list-gpus` lines), log the count, and use CUDA only when the framework can actually reach a device.',
  notApplicable: gpuOnly,
  async run(ctx) {
    requireSuccess(await ctx.probes.training());
    const run = await ctx.probes.trainingVariant('simulated-gpus', {
      binds: [`${FAKE_NVIDIA_SMI}:/usr/local/bin/nvidia-smi:ro`],
      env: { NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_DRIVER_CAPABILITIES: 'compute,utility' },
      fault: `${SIMULATED_GPUS} simulated GPUs`,
    });
    return judgeSimulatedGpus(run, ctx.manifest.conformance.gpu?.reportRegex);
  },
};
