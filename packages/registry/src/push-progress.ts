/** One JSON message of the engine's push progress stream. */
export interface PushEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { Tag?: string; Digest?: string; Size?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** What happened to one layer. */
export type LayerOutcome = 'pushed' | 'exists' | 'mounted' | 'pending';

/** Folds the engine's push progress into per-layer outcomes, the pushed digest and any error. */
export class PushProgress {
  readonly layers = new Map<string, { outcome: LayerOutcome; bytes: number }>();
  digest: string | undefined;
  manifestSize: number | undefined;
  error: string | undefined;

  constructor(private readonly onLine?: (line: string) => void) {}

  feed(event: PushEvent): void {
    if (event.error !== undefined || event.errorDetail?.message !== undefined) {
      this.error = (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
      return;
    }
    if (event.aux?.Digest) {
      this.digest = event.aux.Digest;
      this.manifestSize = event.aux.Size;
      return;
    }
    const status = event.status ?? '';
    if (event.id && /^[0-9a-f]{12,}$/.test(event.id)) {
      const layer = this.layers.get(event.id) ?? { outcome: 'pending' as LayerOutcome, bytes: 0 };
      if (status === 'Pushing' && event.progressDetail?.current !== undefined) {
        layer.bytes = Math.max(layer.bytes, event.progressDetail.current);
      } else if (status === 'Pushed') {
        layer.outcome = 'pushed';
      } else if (status === 'Layer already exists') {
        layer.outcome = 'exists';
      } else if (status.startsWith('Mounted from')) {
        layer.outcome = 'mounted';
      }
      this.layers.set(event.id, layer);
      // Per-chunk progress would flood the log; outcomes are enough.
      if (status !== 'Pushing' && status !== 'Waiting' && status !== 'Preparing') {
        this.onLine?.(`${event.id}: ${status}`);
      }
      return;
    }
    if (status) this.onLine?.(status);
  }

  /** Layers per outcome and the bytes the engine read for the layers it uploaded. */
  summary(): { pushed: number; existed: number; mounted: number; bytesUploaded: number } {
    let pushed = 0;
    let existed = 0;
    let mounted = 0;
    let bytesUploaded = 0;
    for (const layer of this.layers.values()) {
      if (layer.outcome === 'pushed') {
        pushed += 1;
        bytesUploaded += layer.bytes;
      } else if (layer.outcome === 'exists') existed += 1;
      else if (layer.outcome === 'mounted') mounted += 1;
    }
    return { pushed, existed, mounted, bytesUploaded };
  }
}

// The engine's words for trouble that may pass: the registry is down, slow, or overloaded.
const TRANSIENT =
  /connection refused|connection reset|i\/o timeout|timeout exceeded|TLS handshake timeout|\bEOF\b|broken pipe|no route to host|network is unreachable|server misbehaving|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout|500 Internal Server Error|429 Too Many Requests|toomanyrequests|received unexpected HTTP status: 5\d\d/i;

/** Whether a push error of the engine is worth another attempt. */
export function isTransientPushError(message: string): boolean {
  return (
    TRANSIENT.test(message) &&
    !/denied|unauthorized|name unknown|tag invalid|manifest invalid/i.test(message)
  );
}
