import type { CheckContext } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';

/** The last GPU count the image printed, captured with the manifest's conformance.gpu.reportRegex. */
export function reportedGpus(
  run: TrainingObservation,
  regex: string | undefined,
): number | undefined {
  if (!regex) return undefined;
  const pattern = new RegExp(regex);
  const values = run.logs
    .split('\n')
    .map((line) => pattern.exec(line)?.[1])
    .filter((v): v is string => v !== undefined);
  return values.length > 0 ? Number(values.at(-1)) : undefined;
}

export const gpuOnly = ({ manifest }: CheckContext): string | undefined =>
  !manifest.capabilities.train
    ? 'the image does not train'
    : manifest.capabilities.gpu
      ? undefined
      : 'the image does not use GPUs (capabilities.gpu is false)';
