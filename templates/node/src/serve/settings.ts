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

  let payloadMb = DEFAULT_MAX_PAYLOAD_MB;
  const rawPayload = env.SAGEMAKER_MAX_PAYLOAD_IN_MB?.trim();
  if (rawPayload) {
    const value = Number(rawPayload);
    if (Number.isFinite(value) && value > 0) payloadMb = value;
    else
      warnings.push(
        `SAGEMAKER_MAX_PAYLOAD_IN_MB=${JSON.stringify(rawPayload)} is not a positive number; using ${DEFAULT_MAX_PAYLOAD_MB}`,
      );
  }
  const maxPayloadInMb = Math.max(1, Math.floor(payloadMb));

  let concurrency = Math.max(1, Math.min(cpus, Math.floor(MAX_TOTAL_PAYLOAD_MB / maxPayloadInMb)));
  const rawConcurrency = env.SAGEMAKER_MAX_CONCURRENT_TRANSFORMS?.trim();
  if (rawConcurrency) {
    const value = Number(rawConcurrency);
    if (Number.isInteger(value) && value > 0) concurrency = value;
    else
      warnings.push(
        `SAGEMAKER_MAX_CONCURRENT_TRANSFORMS=${JSON.stringify(rawConcurrency)} is not a positive integer; using ${concurrency}`,
      );
  }

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
