import { request, Agent } from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface LoadOptions {
  url: string;
  body: string;
  contentType: string;
  accept: string;
  concurrency: number;
  requests: number;
  warmup: number;
}

/** Sends `requests` POSTs over keep-alive connections, `concurrency` at a time; latencies in ms. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const one = () => post(agent, options);
  await run(one, options.warmup, options.concurrency, undefined);
  const latencies: number[] = [];
  const started = performance.now();
  const { errors, firstError } = await run(one, options.requests, options.concurrency, latencies);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    seconds,
    throughput: latencies.length / seconds,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
  };
}

/** One POST; resolves with its latency in ms, rejects for anything but 200. */
function post(agent: Agent, options: LoadOptions): Promise<number> {
  const target = new URL(options.url);
  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const headers = {
      'Content-Type': options.contentType,
      Accept: options.accept,
      'Content-Length': Buffer.byteLength(options.body),
    };
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** `count` requests, `concurrency` at a time; latencies go to `record` when given. */
async function run(
  one: () => Promise<number>,
  count: number,
  concurrency: number,
  record: number[] | undefined,
) {
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        try {
          record?.push(await one());
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  return { errors, firstError };
}

export function formatLoad(label: string, r: LoadResult): string {
  return `${label.padEnd(44)} ${r.throughput.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p90 ${r.p90.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   errors ${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ''}`;
}
