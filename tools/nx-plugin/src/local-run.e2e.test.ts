import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, SESSION_LABEL } from '@sagemaker-templates/engine';
import { makeTempWorkspace, nxTestEnv, type TempWorkspace } from './test-support/temp-workspace.ts';

// `nx run <template>:train` and `:serve` in a throwaway workspace: train keeps its /opt/ml tree
// with the model, serve answers on loopback with that model and stops cleanly on SIGTERM.
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
        'tsx',
        'tools/nx-plugin/src/run-target.ts',
        'train',
        'templates/node',
        '--hyperparameters',
        '{"epochs": 5}',
      ],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'hyperparameter "epochs" is 5; SageMaker passes every value as a string',
    );
  });

  it('serve answers with the trained model and stops on SIGTERM, removing its container', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/nx-plugin/src/run-target.ts',
        'serve',
        'templates/node',
        '--port',
        '0',
      ],
      { cwd: ws.root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const started = Date.now();
      let url: string | undefined;
      while (!url && Date.now() - started < 60_000) {
        url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(url, output).toBeTruthy();
      let ping = 0;
      while (ping !== 200 && Date.now() - started < 60_000) {
        ping = await fetch(`${url}/ping`).then(
          (r) => r.status,
          () => 0,
        );
        if (ping !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(ping, output).toBe(200);
      const answer = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv', Accept: 'text/csv' },
        body: '5.1,3.5,1.4,0.2\n',
      });
      expect(answer.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      expect(output).toContain('the server exited 0');
      const left = await connectEngine().listContainers({
        all: true,
        filters: { label: [SESSION_LABEL] },
      });
      expect(left.filter((c) => c.Image.startsWith('sagemaker-templates/node:'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
