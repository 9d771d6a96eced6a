/**
 * Prints, as one JSON array on stdout, the templates that CI builds, checks and pushes for a change:
 * the template projects (tag `sagemaker-template`, with a `push` target) that Nx counts as affected
 * between two commits. Every CI system calls this one script, then runs one job per name
 * (README, "CI fan-out"). Notes go to stderr, so stdout stays machine-readable.
 *
 *   npx tsx tools/ci/affected-templates.ts --base <commit> [--head <commit>]
 *   npx tsx tools/ci/affected-templates.ts            # no base: every template
 *
 * A base that is empty or all zeros (GitHub's `before` for a new branch) or not in this clone (a
 * force push, a shallow checkout) lists every template: pushing an unchanged template costs a
 * build and an "up to date", missing a changed one ships nothing.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { TEMPLATE_TAG } from '../nx-plugin/src/template-project.ts';

const execFileAsync = promisify(execFile);
const USAGE = 'Usage: npx tsx tools/ci/affected-templates.ts [--base <commit>] [--head <commit>]';

/** The workspace this script belongs to; Nx and git run there whatever the caller's folder. */
const WORKSPACE_ROOT = join(import.meta.dirname, '../..');

export interface Range {
  /** Compare with this commit; undefined lists every template. */
  base?: string;
  head: string;
}

/** GitHub's `before` is forty zeros when a push creates the branch: there is nothing to compare with. */
export function isNullCommit(commit: string | undefined): boolean {
  return commit === undefined || commit.trim() === '' || /^0+$/.test(commit.trim());
}

/** `nx show projects` arguments for the templates of a range (every template without a base). */
export function nxShowProjectsArgs(range: Range): string[] {
  const affected =
    range.base === undefined ? [] : ['--affected', `--base=${range.base}`, `--head=${range.head}`];
  return [
    'show',
    'projects',
    '--projects',
    `tag:${TEMPLATE_TAG}`,
    '--with-target',
    'push',
    '--json',
    ...affected,
  ];
}

/** The names from `nx show projects --json`, sorted so that the same change gives the same list. */
export function parseProjectList(stdout: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim());
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === 'string')) {
    throw new Error(
      `nx show projects printed ${JSON.stringify(stdout.slice(0, 500))}, expected a JSON array of project names. Run the same command with --verbose to see what Nx reports.`,
    );
  }
  return [...parsed].sort();
}

async function commitExists(root: string, commit: string): Promise<boolean> {
  try {
    await execFileAsync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: root });
    return true;
  } catch {
    return false;
  }
}

/** Settles the range: a base that cannot be compared with becomes "every template", with a note. */
export async function resolveRange(
  root: string,
  base: string | undefined,
  head: string,
  note: (line: string) => void,
): Promise<Range> {
  if (isNullCommit(base)) {
    note('no base commit (a new branch, a scheduled or manual run): listing every template');
    return { head };
  }
  const trimmed = (base ?? '').trim();
  if (!(await commitExists(root, trimmed))) {
    note(
      `base ${trimmed} is not in this clone (a force push, or a shallow checkout: fetch the full history, e.g. fetch-depth: 0): listing every template`,
    );
    return { head };
  }
  if (!(await commitExists(root, head))) {
    throw new Error(
      `head ${head} is not a commit of the repository at ${root}. Pass --head with a commit of this clone (default HEAD).`,
    );
  }
  return { base: trimmed, head };
}

/** The templates a range affects, asked of Nx in the workspace at `root`. */
export async function affectedTemplates(
  root: string,
  range: Range,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const args = ['--no-install', 'nx', ...nxShowProjectsArgs(range)];
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('npx', args, {
      cwd: root,
      env,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const {
      stdout: out = '',
      stderr = '',
      message,
    } = error as Error & {
      stdout?: string;
      stderr?: string;
    };
    throw new Error(
      `npx ${args.join(' ')} failed in ${root}: ${`${out}\n${stderr}`.trim() || message}\nRun npm ci first; with --base, the base and head commits must both be in this clone.`,
    );
  }
  return parseProjectList(stdout);
}

async function main(argv: string[]): Promise<number> {
  let values: { base?: string; head: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { base: { type: 'string' }, head: { type: 'string', default: 'HEAD' } },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}. ${USAGE}`);
  }
  const note = (line: string) => console.error(`[affected-templates] ${line}`);
  const range = await resolveRange(WORKSPACE_ROOT, values.base, values.head, note);
  const templates = await affectedTemplates(WORKSPACE_ROOT, range);
  note(`${templates.length} template(s): ${templates.join(', ') || 'none'}`);
  console.log(JSON.stringify(templates));
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(`[affected-templates] error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
