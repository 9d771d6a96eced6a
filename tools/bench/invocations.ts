/**
 * /invocations latency and throughput of a template's image on loopback, next to a bare Node.js
 * http server answering the same payload on the same machine (the physical reference).
 *
 *   npx tsx tools/bench/invocations.ts [templates/node] [--concurrency 8] [--requests 3000]
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { inputDataConfig, loadManifest, resourceConfig } from '@sagemaker-templates/contract';
import { connectEngine, OptMlTree, startContainer } from '@sagemaker-templates/engine';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';
import { formatLoad, load } from './load.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '8' },
    requests: { type: 'string', default: '3000' },
  },
});
const root = positionals[0] ?? 'templates/node';
const concurrency = Number(values.concurrency);
const requests = Number(values.requests);

const manifest = await loadManifest(join(root, 'template.json'));
const sample = manifest.conformance.serving?.requests[0];
const training = manifest.conformance.training;
if (!sample || !training)
  throw new Error(
    `${root}/template.json needs conformance.training and conformance.serving.requests`,
  );
const body = sample.body ?? (await readFile(join(root, sample.bodyFile ?? ''), 'utf8'));
const accept = sample.accept ?? 'application/json';

const docker = connectEngine();
const { image } = await buildTemplate(root, { quiet: true });
console.log(
  `image ${image}; payload ${Buffer.byteLength(body)} bytes ${sample.contentType} → ${accept}; ${requests} requests, concurrency ${concurrency}, ${process.env.HOSTNAME ?? ''} ${(await import('node:os')).cpus().length} CPUs\n`,
);

// Train once on the sample data to get a model to serve.
await using trainTree = await OptMlTree.create({
  hyperparameters: training.hyperparameters,
  inputDataConfig: inputDataConfig(training.channels),
  resourceConfig: resourceConfig('algo-1'),
  channels: Object.fromEntries(
    Object.entries(training.channels).map(([name, c]) => [name, join(root, c.source)]),
  ),
});
{
  await using trainer = await startContainer(docker, {
    image,
    cmd: ['train'],
    binds: trainTree.binds(),
  });
  const exit = await trainer.waitForExit(600_000);
  if (exit.exitCode !== 0) throw new Error(`training failed: ${await trainer.logs()}`);
  console.log(
    `train on the sample data: ${(exit.durationMs / 1000).toFixed(2)} s (container start to exit)`,
  );
}

await using serveTree = await OptMlTree.create({ model: trainTree.modelDir });
const started = performance.now();
await using server = await startContainer(docker, {
  image,
  cmd: ['serve'],
  binds: serveTree.binds({ readOnlyModel: true, include: ['model'] }),
  publishPort: true,
});
await server.waitForHttp('/ping', { timeoutMs: 120_000 });
console.log(
  `serve: first 200 on /ping ${(performance.now() - started).toFixed(0)} ms after container start\n`,
);

const options = {
  body,
  contentType: sample.contentType,
  accept,
  concurrency,
  requests,
  warmup: Math.min(500, requests),
};
const template = await load({ ...options, url: server.url('/invocations') });
const answer = await templateAnswer(server.url('/invocations'));
const bareInContainer = await bareContainerLoad(options, answer);
const reference = await bareServerLoad(options, answer);
console.log(formatLoad(`${root} (container, published port)`, template));
console.log(formatLoad('bare node:http, same image and port path', bareInContainer));
console.log(formatLoad('bare node:http on the host (reference)', reference));
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
console.log(
  `\nthe template serves ${pct(template.throughput, bareInContainer.throughput)} of a bare server behind the same Docker port path, ${pct(template.throughput, reference.throughput)} of the host reference`,
);

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

/** The same bare server inside the template's own image, published like the template's server. */
async function bareContainerLoad(opts: Omit<Parameters<typeof load>[0], 'url'>, answer: string) {
  await using bare = await startContainer(docker, {
    image,
    entrypoint: ['node', '-e', bareServerCode(answer, '0.0.0.0', 8080)],
    cmd: [],
    publishPort: true,
  });
  await bare.waitForLog(/^8080$/m, 30_000);
  return await load({ ...opts, url: bare.url('/invocations') });
}

/** A bare node:http server in a child process that reads the body and returns the template's answer. */
async function bareServerLoad(opts: Omit<Parameters<typeof load>[0], 'url'>, answer: string) {
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
