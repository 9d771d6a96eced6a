import type { MetricDefinition } from '@sagemaker-templates/contract';
import { fail, pass, type Check, type Outcome } from '../../check.ts';
import type { TrainingObservation } from '../../observations.ts';
import { requireStarted, withLogs } from '../support/training.ts';

/** Applies each MetricDefinitions regex to the logs as SageMaker does: the first group is the value. */
export function captureMetrics(
  logs: string,
  metrics: MetricDefinition[],
): { name: string; value?: number; problem?: string }[] {
  return metrics.map(({ name, regex }) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex);
    } catch (error) {
      return {
        name,
        problem: `regex ${JSON.stringify(regex)} does not compile (${(error as Error).message})`,
      };
    }
    const values = logs
      .split('\n')
      .map((line) => pattern.exec(line)?.[1])
      .filter((v): v is string => v !== undefined);
    if (values.length === 0)
      return { name, problem: `regex ${JSON.stringify(regex)} matched no log line` };
    const value = Number(values.at(-1));
    if (!Number.isFinite(value))
      return {
        name,
        problem: `regex ${JSON.stringify(regex)} captured ${JSON.stringify(values.at(-1))}, not a number`,
      };
    return { name, value };
  });
}

export function judgeMetrics(run: TrainingObservation, metrics: MetricDefinition[]): Outcome {
  requireStarted(run);
  const captured = captureMetrics(run.logs, metrics);
  const problems = captured.filter((m) => m.problem);
  if (problems.length > 0) {
    return fail(withLogs(problems.map((m) => `metric "${m.name}": ${m.problem}`).join('; '), run));
  }
  return pass(captured.map((m) => `${m.name}=${m.value}`).join(', '));
}

export const trainMetricsRegex: Check = {
  id: 'train.metrics.regex',
  title: 'Training logs carry the metrics the manifest declares',
  clauses: 'T22',
  level: 'must',
  profile: 'training',
  hint: 'Print each metric on stdout or stderr in a stable form such as `train_loss=0.123` so a MetricDefinitions regex can capture it.',
  notApplicable: ({ manifest }) =>
    !manifest.capabilities.train
      ? 'the image does not train'
      : (manifest.conformance.training?.metrics.length ?? 0) === 0
        ? 'the manifest declares no metrics (conformance.training.metrics)'
        : undefined,
  run: async ({ probes, manifest }) =>
    judgeMetrics(await probes.training(), manifest.conformance.training?.metrics ?? []),
};
