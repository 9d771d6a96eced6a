import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTempWorkspace,
  nxTestEnv,
  workspaceRoot,
  type TempWorkspace,
} from '../nx-plugin/src/test-support/temp-workspace.ts';
import {
  isNullCommit,
  nxShowProjectsArgs,
  parseProjectList,
  resolveRange,
} from './affected-templates.ts';

describe('affected-templates helpers', () => {
  it('takes an empty or all-zero base (GitHub before of a new branch) as no base', () => {
    expect(isNullCommit(undefined)).toBe(true);
    expect(isNullCommit('')).toBe(true);
    expect(isNullCommit(' ')).toBe(true);
    expect(isNullCommit('0'.repeat(40))).toBe(true);
    expect(isNullCommit('a'.repeat(40))).toBe(false);
    expect(isNullCommit('HEAD~1')).toBe(false);
  });

  it('asks Nx for template projects with a push target, affected only with a base', () => {
    const every = nxShowProjectsArgs({ head: 'HEAD' });
    expect(every).toEqual(
      expect.arrayContaining(['--projects', 'tag:sagemaker-template', '--with-target', 'push']),
    );
    expect(every).not.toContain('--affected');
    expect(nxShowProjectsArgs({ base: 'abc', head: 'def' })).toEqual(
      expect.arrayContaining(['--affected', '--base=abc', '--head=def']),
    );
  });

  it('sorts the names and refuses what is not a JSON array of names', () => {
    expect(parseProjectList('["node","a-b"]\n')).toEqual(['a-b', 'node']);
    expect(parseProjectList('[]')).toEqual([]);
    expect(() => parseProjectList('NX  Could not find project')).toThrow(
      /nx show projects printed .*expected a JSON array of project names/,
    );
    expect(() => parseProjectList('[1]')).toThrow(/expected a JSON array/);
  });
});

/** Every template folder of this workspace: what a change to shared code must list. */
async function allTemplates(): Promise<string[]> {
  const dirs = await readdir(join(workspaceRoot, 'templates'));
  return dirs
    .filter((d) => existsSync(join(workspaceRoot, 'templates', d, 'template.json')))
    .sort();
}

// Nx and git in a temporary repository made from this workspace: a few seconds per listing, no Docker.
let ws: TempWorkspace;
let templates: string[];

beforeAll(async () => {
  templates = await allTemplates();
  ws = await makeTempWorkspace({ templates });
}, 120_000);
afterAll(async () => {
  await ws?.close();
});

const head = async () => (await ws.run('git', ['rev-parse', 'HEAD'])).stdout.trim();

/** Runs the script as CI does, in the temporary repository, with HEAD as the head commit. */
async function list(base: string) {
  const args = ['--no-install', 'tsx', 'tools/ci/affected-templates.ts', '--base', base];
  const result = await ws.run('npx', args, nxTestEnv);
  expect(result.code, result.output).toBe(0);
  return { templates: JSON.parse(result.stdout) as string[], stderr: result.stderr };
}

describe('affected-templates.ts: the templates a commit range lists', { timeout: 120_000 }, () => {
  it('a change in templates/node lists exactly ["node"]', async () => {
    const first = await head();
    await appendFile(join(ws.root, 'templates/node/src/paths.ts'), '\n// A change (test).\n');
    await ws.commit('node: a change');
    expect((await list(first)).templates).toEqual(['node']);
  });

  it('a change in a shared package (packages/contract) lists every template', async () => {
    const before = await head();
    await appendFile(
      join(ws.root, 'packages/contract/src/constants.ts'),
      '\n// A change (test).\n',
    );
    await ws.commit('contract: a change');
    expect(templates.length).toBeGreaterThan(1);
    expect((await list(before)).templates).toEqual(templates);
  });

  // Nx marks a project affected through the files it owns, its dependencies, and workspace-wide
  // files (nx.json, the root package.json and lock file). A new file under docs/ and the root
  // README.md belong to no project, so Nx lists none, and CI runs no template job.
  it('a docs-only change outside templates lists none', async () => {
    const before = await head();
    await mkdir(join(ws.root, 'docs'), { recursive: true });
    await writeFile(join(ws.root, 'docs/ci.md'), '# Notes\n');
    await appendFile(join(ws.root, 'README.md'), '\nA note (test).\n');
    await ws.commit('docs: notes');
    expect((await list(before)).templates).toEqual([]);
  });
});

describe('affected-templates.ts: no base to compare with', { timeout: 120_000 }, () => {
  it('a base of forty zeros (a new branch) lists every template, and says why', async () => {
    const result = await list('0'.repeat(40));
    expect(result.templates).toEqual(templates);
    expect(result.stderr).toContain('no base commit');
  });

  it('a base that is not in the clone (force push, shallow checkout) falls back to every template', async () => {
    const notes: string[] = [];
    const range = await resolveRange(ws.root, 'f'.repeat(40), 'HEAD', (n) => notes.push(n));
    expect(range).toEqual({ head: 'HEAD' });
    expect(notes.join('\n')).toMatch(/is not in this clone .*fetch-depth: 0/);
    await expect(resolveRange(ws.root, 'HEAD~1', 'no-such-ref', () => {})).rejects.toThrow(
      /head no-such-ref is not a commit .*Pass --head/,
    );
  });
});
