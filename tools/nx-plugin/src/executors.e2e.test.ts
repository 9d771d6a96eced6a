import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempWorkspace, nxTestEnv, type TempWorkspace } from './test-support/temp-workspace.ts';

// What Nx itself makes of the executors' schemas, in a throwaway workspace: --help, nx show
// project, and options refused before any work starts (nothing here builds an image).
let ws: TempWorkspace;
const nx = (...args: string[]) => ws.run('npx', ['--no-install', 'nx', ...args], nxTestEnv);

describe('the executors as Nx sees them', () => {
  beforeAll(async () => {
    ws = await makeTempWorkspace({ templates: ['node'] });
  });
  afterAll(() => ws?.close());

  it('nx run <template>:push --help lists every option with its description and default', async () => {
    const help = await nx('run', 'node:push', '--help');
    expect(help.code, help.output).toBe(0);
    expect(help.stdout).toContain('Executor:  @sagemaker-templates/nx-plugin:push');
    for (const option of [
      'region',
      'account',
      'repository',
      'latest',
      'registry',
      'ecr-endpoint',
      'allow-offline-base',
      'retries',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`--${option}\\s`));
    }
    const serve = await nx('run', 'node:serve', '--help');
    expect(serve.stdout).toMatch(/--port[\s\S]*\[default: 8080\]/);
  });

  it('nx show project lists the targets with their executors, options and the base project', async () => {
    const shown = await nx('show', 'project', 'node', '--json');
    expect(shown.code, shown.output).toBe(0);
    const project = JSON.parse(shown.stdout);
    expect(project.targets.push.executor).toBe('@sagemaker-templates/nx-plugin:push');
    expect(project.targets.push.metadata.options['--retries']).toMatch(/^Attempts against/);
    expect(project.targets.build.dependsOn).toEqual([
      { projects: ['base-node'], target: 'build', params: 'forward' },
    ]);
    const bases = await nx('show', 'projects', '--projects=tag:base-image', '--json');
    expect(JSON.parse(bases.stdout).sort()).toEqual([
      'base-debian',
      'base-node',
      'base-python',
      'base-pytorch',
    ]);
  });

  it('refuses a misspelt option and a value outside the schema before doing anything', async () => {
    const typo = await nx('run', 'node:push', '--regoin', 'eu-west-1', '--outputStyle=static');
    expect(typo.code).not.toBe(0);
    expect(typo.output).toContain("'regoin' is not found in schema");
    expect(typo.output).not.toContain('[node:build]');
    const port = await nx('run', 'node:serve', '--port', '70000', '--outputStyle=static');
    expect(port.code).not.toBe(0);
    expect(port.output).toContain('70000 should be at most 65535');
  });
});
