/**
 * Serving numbers of any template's image on loopback: cold start to the first 200 on /ping, and
 * /invocations latency and throughput for each worker count and concurrency, next to bare
 * `node:http` servers answering the same bytes (the physical reference).
 *
 *   npx tsx tools/bench/invocations.ts [templates/node] [--workers 1,2] [--concurrency 1,8]
 *     [--requests 3000] [--starts 3] [--request <name in conformance.serving.requests>]
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { inputDataConfig, loadManifest, resourceConfig } from '@sagemaker-templates/contract';
import {
  connectEngine,
  OptMlTree,
  startContainer,
  type RunningContainer,
  forHttp,
} from '@sagemaker-templates/engine';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';
import { formatLoad, load, type LoadOptions, type LoadResult } from './load.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: `1,${cpus().length}` },
    concurrency: { type: 'string', default: '1,8' },
    requests: { type: 'string', default: '3000' },
    starts: { type: 'string', default: '3' },
    request: { type: 'string' },
  },
});
const root = positionals[0] ?? 'templates/node';
const numbers = (list: string, flag: string) =>
  [...new Set(list.split(',').map(Number))].map((n) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} takes positive integers: 1,8`);
    return n;
  });
const workerCounts = numbers(values.workers, 'workers');
const concurrencies = numbers(values.concurrency, 'concurrency');
const requests = Number(values.requests);
const starts = Number(values.starts);

const manifest = await loadManifest(join(root, 'template.json'));
const samples = manifest.conformance.serving?.requests ?? [];
const sample = values.request ? samples.find((r) => r.name === values.request) : samples[0];
const training = manifest.conformance.training;
if (!sample || !training)
  throw new Error(
    values.request
      ? `${root}/template.json has no conformance.serving.requests entry named "${values.request}" (it has: ${samples.map((r) => r.name).join(', ')})`
      : `${root}/template.json needs conformance.training and conformance.serving.requests`,
  );
const body = sample.body ?? (await readFile(join(root, sample.bodyFile ?? ''), 'utf8'));
const accept = sample.accept ?? 'application/json';

const docker = connectEngine();
const { image } = await buildTemplate(root, { quiet: true });
console.log(
  `image ${image}; request "${sample.name}": ${Buffer.byteLength(body)} bytes ${sample.contentType} → ${accept}; ${requests} requests per run after a warm-up; ${cpus().length} CPUs\n`,
);

await using trainTree = await OptMlTree.create({
  hyperparameters: training.hyperparameters,
  inputDataConfig: inputDataConfig(training.channels),
  resourceConfig: resourceConfig('algo-1'),
  channels: Object.fromEntries(
    Object.entries(training.channels).map(([name, c]) => [name, join(root, c.source)]),
  ),
});
await train();
await using serveTree = await OptMlTree.create({ model: trainTree.modelDir });

let answer: string | undefined;
for (const workers of workerCounts) {
  const coldStarts: number[] = [];
  for (let i = 1; i < starts; i++) {
    await using server = await serve(workers);
    coldStarts.push(await firstPing(server));
  }
  await using server = await serve(workers);
  coldStarts.push(await firstPing(server));
  console.log(
    `SAGEMAKER_MODEL_SERVER_WORKERS=${workers}: cold start to the first 200 on /ping ${coldStarts.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`,
  );
  answer ??= await templateAnswer(server.url('/invocations'));
  for (const concurrency of concurrencies) {
    const result = await load({ ...loadOptions(concurrency), url: server.url('/invocations') });
    console.log(formatLoad(`  template, c=${concurrency}`, result));
  }
}

console.log('\nreferences (the same answer from a bare node:http server):');
let imageHasNode = true;
for (const concurrency of concurrencies) {
  const inImage: LoadResult | undefined = imageHasNode
    ? await bareContainerLoad(loadOptions(concurrency), answer!)
    : undefined;
  if (inImage) console.log(formatLoad(`  same image and port path, c=${concurrency}`, inImage));
  else if (imageHasNode) console.log('  same image and port path: n/a (no node on the image PATH)');
  imageHasNode &&= inImage !== undefined;
  console.log(
    formatLoad(
      `  on the host, c=${concurrency}`,
      await bareServerLoad(loadOptions(concurrency), answer!),
    ),
  );
}

async function train(): Promise<void> {
  await using trainer = await startContainer(docker, {
    image,
    cmd: ['train'],
    // The host name resourceconfig.json names: toolkits resolve every host before they start.
    hostname: 'algo-1',
    mounts: trainTree.mounts(),
  });
  const exit = await trainer.waitForExit(600_000);
  if (exit.exitCode !== 0) throw new Error(`training failed: ${await trainer.logs()}`);
  console.log(
    `train on the sample data: ${(exit.durationMs / 1000).toFixed(2)} s (container start to exit)`,
  );
}

function serve(workers: number): Promise<RunningContainer> {
  return startContainer(docker, {
    image,
    cmd: ['serve'],
    env: { SAGEMAKER_MODEL_SERVER_WORKERS: String(workers) },
    mounts: serveTree.mounts({ readOnlyModel: true, include: ['model'] }),
    publishPort: true,
  });
}

/** Milliseconds from the container's start to the first 200 on /ping. */
async function firstPing(server: RunningContainer): Promise<number> {
  const started = performance.now();
  await server.waitFor(forHttp('/ping', { required: true }), 120_000);
  return performance.now() - started;
}

function loadOptions(concurrency: number): Omit<LoadOptions, 'url'> {
  return {
    body,
    contentType: sample!.contentType,
    accept,
    concurrency,
    requests,
    warmup: Math.min(500, requests),
  };
}

async function templateAnswer(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': sample!.contentType, Accept: accept },
    body,
  });
  return response.text();
}

function bareServerCode(answer: string, host: string, port: number): string {
  return `const http=require('http');const a=${JSON.stringify(answer)};http.createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'Content-Type':${JSON.stringify(accept)}});s.end(a)})}).listen(${port},'${host}',function(){console.log(this.address().port)});process.on('SIGTERM',()=>process.exit(0))`;
}

/** The bare server inside the template's own image, published like the template's server; undefined without node. */
async function bareContainerLoad(
  opts: Omit<LoadOptions, 'url'>,
  answer: string,
): Promise<LoadResult | undefined> {
  let bare: RunningContainer;
  try {
    bare = await startContainer(docker, {
      image,
      entrypoint: ['node', '-e', bareServerCode(answer, '0.0.0.0', 8080)],
      cmd: [],
      publishPort: true,
    });
  } catch (error) {
    if (/executable file not found|no such file/i.test(String(error))) return undefined;
    throw error;
  }
  await using _ = bare;
  await bare.waitForLog(/^8080$/m, 30_000);
  return await load({ ...opts, url: bare.url('/invocations') });
}

/** The bare server in a child process on the host. */
async function bareServerLoad(opts: Omit<LoadOptions, 'url'>, answer: string) {
  const child = spawn(process.execPath, ['-e', bareServerCode(answer, '127.0.0.1', 0)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    return await load({ ...opts, url: `http://127.0.0.1:${port}/invocations` });
  } finally {
    child.kill();
  }
}
