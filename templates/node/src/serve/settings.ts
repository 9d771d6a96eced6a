import { availableParallelism } from 'node:os';

/** Real-time endpoints take bodies up to 6 MB; batch transform may raise it to 100 MB (MaxPayloadInMB). */
export const DEFAULT_MAX_PAYLOAD_MB = 6;
const MAX_TOTAL_PAYLOAD_MB = 100; // MaxConcurrentTransforms × MaxPayloadInMB must stay ≤ 100
export const MB = 1024 * 1024;

export interface ServerSettings {
  port: number;
  /** Largest accepted /invocations body. */
  maxPayloadBytes: number;
  /** What GET /execution-parameters reports. */
  maxPayloadInMb: number;
  maxConcurrentTransforms: number;
}

/**
 * Settings from the environment SageMaker sets: SAGEMAKER_BIND_TO_PORT (default 8080),
 * SAGEMAKER_MAX_PAYLOAD_IN_MB (default 6) and SAGEMAKER_MAX_CONCURRENT_TRANSFORMS (default: CPU
 * count, capped so that the product with MaxPayloadInMB stays within 100). A bad port is an error
 * (nothing could reach the server); other bad values fall back to defaults with a warning.
 */
export function settingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  cpus = availableParallelism(),
): { settings: ServerSettings; warnings: string[] } {
  const warnings: string[] = [];
  const rawPort = env.SAGEMAKER_BIND_TO_PORT?.trim();
  const port = rawPort ? Number(rawPort) : 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(
      `SAGEMAKER_BIND_TO_PORT=${JSON.stringify(rawPort)} is not a TCP port. Set it to an integer from 1 to 65535, or unset it for 8080.`,
    );
  }

  const payloadMb = positiveSetting(env, 'SAGEMAKER_MAX_PAYLOAD_IN_MB', DEFAULT_MAX_PAYLOAD_MB, {
    integer: false,
    warnings,
  });
  const maxPayloadInMb = Math.max(1, Math.floor(payloadMb));
  const fittingConcurrency = Math.floor(MAX_TOTAL_PAYLOAD_MB / maxPayloadInMb);
  const concurrency = positiveSetting(
    env,
    'SAGEMAKER_MAX_CONCURRENT_TRANSFORMS',
    Math.max(1, Math.min(cpus, fittingConcurrency)),
    { integer: true, warnings },
  );

  return {
    settings: {
      port,
      maxPayloadBytes: Math.floor(payloadMb * MB),
      maxPayloadInMb,
      maxConcurrentTransforms: concurrency,
    },
    warnings,
  };
}

/** A positive number (or integer) from `env[name]`; `fallback`, with a warning, when it is not one. */
function positiveSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  { integer, warnings }: { integer: boolean; warnings: string[] },
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  const valid = integer ? Number.isInteger(value) : Number.isFinite(value);
  if (valid && value > 0) return value;
  warnings.push(
    `${name}=${JSON.stringify(raw)} is not a positive ${integer ? 'integer' : 'number'}; using ${fallback}`,
  );
  return fallback;
}
