import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, containersLabelled, SESSION_LABEL } from '@sagemaker-templates/engine';
import { LAST_TRAIN } from './local-train.ts';
import { machineCache } from './machine-cache.ts';
import { makeTempWorkspace, nxTestEnv, type TempWorkspace } from './test-support/temp-workspace.ts';

// `nx run <template>:train`, `:transform` and `:serve` in a throwaway workspace: train keeps its
// /opt/ml tree with the model, transform writes one .out per input file with that model, serve
// answers on loopback with it and stops cleanly on SIGTERM and on Ctrl-C, removing its container.
let ws: TempWorkspace;
const env = nxTestEnv;

describe('local train and serve targets', () => {
  beforeAll(async () => {
    ws = await makeTempWorkspace({ templates: ['node'] });
  });
  afterAll(() => ws?.close());

  it('train runs the image on the sample data and keeps the /opt/ml tree with the model', async () => {
    const result = await ws.run(
      'npx',
      [
        '--no-install',
        'nx',
        'run',
        'node:train',
        '--outputStyle=static',
        '--hyperparameters',
        '{"epochs":"5"}',
      ],
      env,
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('epoch=5 ');
    expect(result.output).not.toContain('epoch=6 ');
    const tree = /\/opt\/ml tree \(kept\): (\S+)/.exec(result.output)?.[1];
    expect(tree, result.output).toBeTruthy();
    expect(existsSync(join(tree!, 'model', 'model.json'))).toBe(true);
    expect(existsSync(join(tree!, 'input', 'config', 'hyperparameters.json'))).toBe(true);
  });

  it('train names the hyperparameter that is not a string', async () => {
    const result = await ws.run(
      'npx',
      [
        '--no-install',
        'nx',
        'run',
        'node:train',
        '--outputStyle=static',
        '--hyperparameters',
        '{"epochs": 5}',
      ],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      '[node:train] --hyperparameters: hyperparameter "epochs" is 5; SageMaker passes every value as a string',
    );
    expect(result.output).not.toMatch(/\n\s+at /); // an explained error: no stack trace
  });

  it('transform writes one .out per input file, line counts matching, the same whether files go whole or in line batches', async () => {
    const rows = (n: number, seed: number) =>
      Array.from(
        { length: n },
        (_, i) => `${5 + ((i * seed) % 20) / 10},3.1,${1 + (i % 50) / 10},0.2\n`,
      ).join('');
    const inputs = { 'a.csv': rows(40, 3), 'sub/b.csv': rows(7, 7), 'c.csv': rows(1, 1) };
    for (const [file, text] of Object.entries(inputs)) {
      await mkdir(dirname(join(ws.root, 'transform-in', file)), { recursive: true });
      await writeFile(join(ws.root, 'transform-in', file), text);
    }
    const transform = (output: string, ...options: string[]) =>
      nxTransform('transform-in', output, '--accept', 'text/csv', ...options);
    const whole = await transform('out-whole');
    expect(whole.code, whole.output).toBe(0);
    expect(whole.output).toContain(
      '[node:transform] sub/b.csv: 1 record in 1 request → sub/b.csv.out (7 lines)',
    );
    expect(whole.output).toMatch(
      /\[node:transform\] 3 files, 3 records in [\d.]+ s \(MultiRecord, MaxPayloadInMB 6, MaxConcurrentTransforms 2\)/,
    );
    const lined = await transform(
      'out-lines',
      '--split-type',
      'Line',
      '--strategy',
      'SingleRecord',
      '--max-concurrent-transforms',
      '4',
    );
    expect(lined.code, lined.output).toBe(0);
    expect(lined.output).toContain(
      '[node:transform] a.csv: 40 records in 40 requests → a.csv.out (40 lines)',
    );
    for (const [file, text] of Object.entries(inputs)) {
      const out = await readFile(join(ws.root, 'out-whole', `${file}.out`), 'utf8');
      expect(out.split('\n').filter(Boolean), file).toHaveLength(
        text.split('\n').filter(Boolean).length,
      );
      expect(await readFile(join(ws.root, 'out-lines', `${file}.out`), 'utf8')).toBe(out);
    }
    const refused = await transform(
      'out-x',
      '--max-concurrent-transforms',
      '50',
      '--max-payload-in-mb',
      '6',
    );
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('is 300 MB; SageMaker allows at most 100. Lower one of them.');
    expect(await nodeContainers()).toEqual([]);
  });

  it("gives the same .out files as SageMaker SDK local mode's Transformer on the same image and model", async () => {
    const rows = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `${4.5 + (i % 30) / 10},3.0,${1 + (i % 55) / 10},${(i % 25) / 10}\n`,
      ).join('');
    // Flat: local mode reads only the files directly in the input folder (SageMaker reads the whole prefix).
    const input = join(ws.root, 'sdk-in');
    await mkdir(input, { recursive: true });
    for (const [file, n] of [
      ['x.csv', 60],
      ['y.csv', 1],
      ['z.csv', 500],
    ] as const)
      await writeFile(join(input, file), rows(n));
    const job = ['text/csv', 'text/csv', 'Line', 'MultiRecord', 'Line'] as const;
    const ours = await nxTransform(
      'sdk-in',
      'ours-out',
      '--accept',
      job[1],
      '--split-type',
      job[2],
      '--strategy',
      job[3],
      '--assemble-with',
      job[4],
    );
    expect(ours.code, ours.output).toBe(0);
    const last = JSON.parse(
      await readFile(join(ws.root, '.cache/local-runs/node', LAST_TRAIN), 'utf8'),
    ) as { tree: string };
    const modelTar = join(ws.root, 'model.tar.gz');
    expect((await ws.run('tar', ['czf', modelTar, '-C', join(last.tree, 'model'), '.'])).code).toBe(
      0,
    );
    const python = join(machineCache(), 'sdk-local-venv', 'bin', 'python');
    const script = join(import.meta.dirname, 'test-support', 'sdk_local_transform.py');
    const containerRoot = join(ws.root, 'sdk-containers');
    const sdk = await ws
      .run(
        python,
        [
          script,
          'sagemaker-templates/node:dev',
          modelTar,
          input,
          join(ws.root, 'sdk-out'),
          containerRoot,
          ...job,
        ],
        { ...env, AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
      )
      .finally(() => removeContainersOf(containerRoot));
    expect(sdk.code, sdk.output).toBe(0);
    for (const file of ['x.csv.out', 'y.csv.out', 'z.csv.out']) {
      const reference = await readFile(join(ws.root, 'sdk-out', file));
      expect(reference.length, file).toBeGreaterThan(0);
      expect((await readFile(join(ws.root, 'ours-out', file))).equals(reference), file).toBe(true);
    }
  });

  it('serve answers with the trained model and stops on SIGTERM, removing its container', async () => {
    const serve = await startServe();
    try {
      const answer = await fetch(`${serve.url}/invocations`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv', Accept: 'text/csv' },
        body: '5.1,3.5,1.4,0.2\n',
      });
      expect(answer.status).toBe(200);
      serve.child.kill('SIGTERM');
      await serve.exited;
      expect(serve.output()).toContain('the server exited 0');
      expect(await nodeContainers()).toEqual([]);
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('serve stops on Ctrl-C, which reaches nx and the executor at once, and removes its container', async () => {
    const serve = await startServe();
    try {
      // A terminal's Ctrl-C signals the whole foreground process group.
      process.kill(-serve.child.pid!, 'SIGINT');
      expect(await serve.exited).not.toBeNull();
      expect(await nodeContainers()).toEqual([]);
    } finally {
      serve.child.kill('SIGKILL');
    }
  });
});

/** `nx run node:transform` from `input` to `output` (workspace paths) on CSV, with more options. */
function nxTransform(input: string, output: string, ...options: string[]) {
  const target = ['nx', 'run', 'node:transform', '--outputStyle=static'];
  const paths = ['--input', input, '--output', output, '--content-type', 'text/csv'];
  return ws.run('npx', ['--no-install', ...target, ...paths, ...options], env);
}

/** Removes the containers docker-compose made from compose files under `root` (local mode's). */
async function removeContainersOf(root: string) {
  const docker = connectEngine();
  const all = await docker.listContainers({ all: true });
  const made = all.filter((c) =>
    (c.Labels['com.docker.compose.project.working_dir'] ?? '').startsWith(root),
  );
  await Promise.all(made.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

async function nodeContainers() {
  const left = await containersLabelled(connectEngine(), SESSION_LABEL);
  return left.filter((c) => c.image.startsWith('sagemaker-templates/node:'));
}

/** `nx run node:serve --port 0` in its own process group, once it answers /ping. */
async function startServe() {
  const child = spawn(
    process.execPath,
    [
      join(ws.root, 'node_modules/nx/dist/bin/nx.js'),
      'run',
      'node:serve',
      '--port',
      '0',
      // Static output would hold the URL back until the server stops.
      '--outputStyle=stream-without-prefixes',
    ],
    { cwd: ws.root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const started = Date.now();
  let url: string | undefined;
  while (!url && Date.now() - started < 90_000) {
    url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(url, output).toBeTruthy();
  let ping = 0;
  while (ping !== 200 && Date.now() - started < 90_000) {
    ping = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (ping !== 200) await new Promise((r) => setTimeout(r, 250));
  }
  expect(ping, output).toBe(200);
  return { child, url: url!, exited, output: () => output };
}
