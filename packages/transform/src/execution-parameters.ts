import type { HttpExchange } from '@sagemaker-templates/engine';
import type { BatchStrategy } from './batches.ts';
import type { Endpoint } from './transform-job.ts';

/** What a job asks for; unset values come from the container's /execution-parameters, then defaults. */
export interface ExecutionSettings {
  batchStrategy?: BatchStrategy | undefined;
  maxPayloadInMb?: number | undefined;
  maxConcurrentTransforms?: number | undefined;
}

/** The values a job runs with, and where each came from. */
export interface ExecutionParameters {
  batchStrategy: BatchStrategy;
  maxPayloadInMb: number;
  maxConcurrentTransforms: number;
  /** E.g. "MaxConcurrentTransforms 4 from /execution-parameters", for the job's log. */
  notes: string[];
}

/** SageMaker's defaults when neither the job nor the container says (B4); MultiRecord as local mode. */
const DEFAULTS = {
  batchStrategy: 'MultiRecord',
  maxPayloadInMb: 6,
  maxConcurrentTransforms: 1,
} as const;

/** The container's answer to GET /execution-parameters, kept only where valid (B3). */
function offered(answer: HttpExchange, notes: string[]): ExecutionSettings {
  if (answer.status !== 200) return {};
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    notes.push('/execution-parameters answered 200 with a body that is not JSON: ignored');
    return {};
  }
  const whole = (v: unknown, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;
  const strategy = value.BatchStrategy;
  const settings = {
    batchStrategy: strategy === 'SingleRecord' || strategy === 'MultiRecord' ? strategy : undefined,
    maxPayloadInMb: whole(value.MaxPayloadInMB, 100),
    maxConcurrentTransforms: whole(value.MaxConcurrentTransforms, 1000) || undefined,
  } satisfies ExecutionSettings;
  for (const [key, kept] of [
    ['BatchStrategy', settings.batchStrategy],
    ['MaxPayloadInMB', settings.maxPayloadInMb],
    ['MaxConcurrentTransforms', settings.maxConcurrentTransforms],
  ] as const)
    if (key in value && kept === undefined)
      notes.push(
        `/execution-parameters gave ${key} ${JSON.stringify(value[key])}, which is not valid: ignored`,
      );
  return settings;
}

/**
 * The job's values first, then the container's /execution-parameters (asked once, as SageMaker
 * does before the first request), then the defaults.
 */
export async function executionParameters(
  endpoint: Endpoint,
  job: ExecutionSettings,
): Promise<ExecutionParameters> {
  const notes: string[] = [];
  const container = offered(
    await endpoint.request('/execution-parameters', { timeoutMs: 10_000 }),
    notes,
  );
  const pick = <K extends keyof ExecutionSettings>(key: K, name: string) => {
    const value = job[key] ?? container[key];
    if (job[key] === undefined && container[key] !== undefined)
      notes.push(`${name} ${String(container[key])} from /execution-parameters`);
    return (value ?? DEFAULTS[key]) as NonNullable<ExecutionSettings[K]>;
  };
  const parameters = {
    batchStrategy: pick('batchStrategy', 'BatchStrategy'),
    maxPayloadInMb: pick('maxPayloadInMb', 'MaxPayloadInMB'),
    maxConcurrentTransforms: pick('maxConcurrentTransforms', 'MaxConcurrentTransforms'),
    notes,
  };
  return parameters;
}
