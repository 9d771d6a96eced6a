import { availableParallelism } from 'node:os';

/**
 * Real-time endpoints take bodies up to 6 MB; batch transform may raise it to 100 MB
 * (MaxPayloadInMB), asynchronous endpoints to 1 GB.
 */
export const DEFAULT_MAX_PAYLOAD_MB = 6;
const MAX_TOTAL_PAYLOAD_MB = 100; // MaxConcurrentTransforms × MaxPayloadInMB must stay ≤ 100
const ASYNC_MAX_PAYLOAD_MB = 1024;
export const MB = 1024 * 1024;
/** Bodies up to this size are read whole; larger text/csv bodies are streamed (see stream-predictions.ts). */
export const REALTIME_MAX_PAYLOAD_BYTES = DEFAULT_MAX_PAYLOAD_MB * MB;
// Node's timers overflow past 2^31 - 1 ms (about 24.8 days) and then fire after 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ServerSettings {
  port: number;
  /** Largest accepted /invocations body. */
  maxPayloadBytes: number;
  /** What GET /execution-parameters reports. */
  maxPayloadInMb: number;
  maxConcurrentTransforms: number;
  /**
   * SAGEMAKER_MODEL_SERVER_TIMEOUT in ms: how long one request may take, from its headers to its
   * last byte. Undefined keeps Node's own timeouts (300 s to receive a request).
   */
  modelServerTimeoutMs?: number;
}

/**
 * Settings from the environment SageMaker sets: SAGEMAKER_BIND_TO_PORT (default 8080),
 * SAGEMAKER_MAX_PAYLOAD_IN_MB (default 6, at most 1024), SAGEMAKER_MAX_CONCURRENT_TRANSFORMS
 * (default: CPU count, capped so that the product with MaxPayloadInMB stays within 100) and
 * SAGEMAKER_MODEL_SERVER_TIMEOUT (seconds; default: Node's timeouts). A bad port is an error
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

  const payloadMb = payloadSetting(env, warnings);
  // Batch transform's MaxPayloadInMB is at most 100, even when an asynchronous endpoint takes more.
  const maxPayloadInMb = Math.min(MAX_TOTAL_PAYLOAD_MB, Math.max(1, Math.floor(payloadMb)));
  const fittingConcurrency = Math.floor(MAX_TOTAL_PAYLOAD_MB / maxPayloadInMb);
  const concurrency = positiveSetting(
    env,
    'SAGEMAKER_MAX_CONCURRENT_TRANSFORMS',
    Math.max(1, Math.min(cpus, fittingConcurrency)),
    { integer: true, warnings },
  );
  const modelServerTimeoutMs = timeoutSetting(env, warnings);

  return {
    settings: {
      port,
      maxPayloadBytes: Math.floor(payloadMb * MB),
      maxPayloadInMb,
      maxConcurrentTransforms: concurrency,
      ...(modelServerTimeoutMs !== undefined && { modelServerTimeoutMs }),
    },
    warnings,
  };
}

/** SAGEMAKER_MAX_PAYLOAD_IN_MB: 6 by default, at most 1024. */
function payloadSetting(env: NodeJS.ProcessEnv, warnings: string[]): number {
  const payloadMb = positiveSetting(env, 'SAGEMAKER_MAX_PAYLOAD_IN_MB', DEFAULT_MAX_PAYLOAD_MB, {
    integer: false,
    warnings,
  });
  if (payloadMb <= ASYNC_MAX_PAYLOAD_MB) return payloadMb;
  warnings.push(
    `SAGEMAKER_MAX_PAYLOAD_IN_MB=${payloadMb} is over ${ASYNC_MAX_PAYLOAD_MB} (an asynchronous endpoint's 1 GB, the largest body SageMaker sends); using ${ASYNC_MAX_PAYLOAD_MB}`,
  );
  return ASYNC_MAX_PAYLOAD_MB;
}

/** SAGEMAKER_MODEL_SERVER_TIMEOUT (seconds) in ms; undefined when unset or bad (Node's timeouts). */
function timeoutSetting(env: NodeJS.ProcessEnv, warnings: string[]): number | undefined {
  const seconds = positiveSetting(env, 'SAGEMAKER_MODEL_SERVER_TIMEOUT', 0, {
    integer: false,
    warnings,
    fallbackText: "Node's default timeouts (300 s to receive a request)",
  });
  return seconds > 0 ? Math.min(MAX_TIMER_MS, Math.ceil(seconds * 1000)) : undefined;
}

/** A positive number (or integer) from `env[name]`; `fallback`, with a warning, when it is not one. */
function positiveSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  {
    integer,
    warnings,
    fallbackText = String(fallback),
  }: { integer: boolean; warnings: string[]; fallbackText?: string },
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  const valid = integer ? Number.isInteger(value) : Number.isFinite(value);
  if (valid && value > 0) return value;
  warnings.push(
    `${name}=${JSON.stringify(raw)} is not a positive ${integer ? 'integer' : 'number'}; using ${fallbackText}`,
  );
  return fallback;
}
