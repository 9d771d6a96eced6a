import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { machineCache } from '../nx-plugin/src/machine-cache.ts';

const execFileAsync = promisify(execFile);
const WORKFLOW = join(import.meta.dirname, '../../.github/workflows/templates.yml');
const INSTALL_HINT = 'Run bash tools/machine/ensure-actionlint.sh (test.sh does) to install it.';

/** Where tools/machine/ensure-actionlint.sh puts it, else the first on PATH. */
function findActionlint(): string | undefined {
  const candidates = [
    process.env.ACTIONLINT,
    join(machineCache(), 'bin', 'actionlint'),
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'actionlint')),
  ];
  return candidates.find((file): file is string => Boolean(file) && existsSync(file as string));
}

/** Skips on a developer's machine without actionlint; under CI=true a missing linter is a failure. */
function requireActionlint(ctx: TestContext): string {
  const found = findActionlint();
  if (found) return found;
  if (process.env.CI === 'true') {
    throw new Error(
      `actionlint is not installed, and CI=true needs the workflow linted. ${INSTALL_HINT}`,
    );
  }
  return ctx.skip(`actionlint is not installed. ${INSTALL_HINT}`);
}

async function actionlint(binary: string, file: string) {
  try {
    const { stdout, stderr } = await execFileAsync(binary, ['-no-color', file]);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const {
      code,
      stdout = '',
      stderr = '',
    } = error as {
      code?: number;
      stdout?: string;
      stderr?: string;
    };
    return { code: typeof code === 'number' ? code : -1, output: `${stdout}${stderr}` };
  }
}

describe('.github/workflows/templates.yml', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('passes actionlint', async (ctx) => {
    const result = await actionlint(requireActionlint(ctx), WORKFLOW);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('a copy with a mistake fails actionlint (the lint can fail)', async (ctx) => {
    const binary = requireActionlint(ctx);
    const workflow = await readFile(WORKFLOW, 'utf8');
    const matrix = 'fromJSON(needs.affected.outputs.templates)';
    expect(workflow, 'the matrix reads the listing job output').toContain(matrix);
    const dir = await mkdtemp(join(tmpdir(), 'templates-workflow-'));
    dirs.push(dir);
    const broken = join(dir, 'templates.yml');
    // A misspelt job output: YAML and GitHub's expression syntax accept it; the run would get an
    // empty matrix at run time. actionlint knows the job's outputs and says so.
    await writeFile(broken, workflow.replace(matrix, 'fromJSON(needs.affected.outputs.tmplates)'));
    const result = await actionlint(binary, broken);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/property "tmplates" is not defined/);
  });
});
