import { execFile } from 'node:child_process';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The repository this file is in. */
export const workspaceRoot = join(import.meta.dirname, '../../../..');

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on what a person would see. */
  output: string;
}

/** A throwaway git repository made from this workspace's files, sharing its node_modules. */
export interface TempWorkspace {
  root: string;
  /** Runs a command in the workspace; never throws for a non-zero exit. */
  run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<CommandResult>;
  /** `git add -A && git commit -m message`. */
  commit(message: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Copies the files git knows of (tracked, and untracked but not ignored) into a temporary folder,
 * keeping only the named templates, links node_modules, and commits everything as the first commit.
 */
export async function makeTempWorkspace({
  templates = ['node'],
}: { templates?: string[] } = {}): Promise<TempWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'sagemaker-templates-ws-'));
  const { stdout } = await execFileAsync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
    { cwd: workspaceRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  const files = stdout
    .split('\0')
    .filter(Boolean)
    .filter((file) => {
      const template = /^templates\/([^/]+)\//.exec(file)?.[1];
      return template === undefined || templates.includes(template);
    });
  for (const file of files) {
    const source = join(workspaceRoot, file);
    const info = await stat(source).catch(() => undefined);
    if (!info?.isFile()) continue; // deleted meanwhile, or a link
    await mkdir(dirname(join(root, file)), { recursive: true });
    await copyFile(source, join(root, file));
    await chmod(join(root, file), info.mode & 0o777);
  }
  await symlink(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  for (const template of templates) await scaleDownAsync(join(root, 'templates', template));

  const run = async (command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    try {
      const { stdout: out, stderr } = await execFileAsync(command, args, {
        cwd: root,
        env: env ?? process.env,
        maxBuffer: 256 * 1024 * 1024,
      });
      return { code: 0, stdout: out, stderr, output: `${out}\n${stderr}` };
    } catch (error) {
      const {
        code,
        stdout: out = '',
        stderr = '',
      } = error as {
        code?: number;
        stdout?: string;
        stderr?: string;
      };
      return {
        code: typeof code === 'number' ? code : 1,
        stdout: out,
        stderr,
        output: `${out}\n${stderr}`,
      };
    }
  };
  const git = async (...args: string[]) => {
    const result = await run('git', [
      '-c',
      'user.name=e2e',
      '-c',
      'user.email=e2e@example.com',
      ...args,
    ]);
    if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.output}`);
  };
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'workspace');
  return {
    root,
    run,
    async commit(message) {
      await git('add', '-A');
      await git('commit', '-q', '-m', message);
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * A copied template's asynchronous-endpoint checks at the fixture's scale (an 8 MB body, a 5 s long
 * request): these tests are about Nx, caching and pushing, and each suite run here would otherwise
 * spend two minutes on a 100 MB body and a request held past 75 s. The main job checks the
 * templates at full size.
 */
async function scaleDownAsync(templateDir: string): Promise<void> {
  const file = join(templateDir, 'template.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as {
    capabilities?: { async?: { maxPayloadMb?: number } };
    budgets?: Record<string, number>;
  };
  if (!manifest.capabilities?.async) return;
  manifest.capabilities.async.maxPayloadMb = 8;
  manifest.budgets = { ...manifest.budgets, longRequestSeconds: 5 };
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The environment for running nx in a temporary workspace: no daemon, cloud or TUI, plain output, offline bases. */
export const nxTestEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  FORCE_COLOR: '0',
  SAGEMAKER_TEMPLATES_BASE: 'offline',
};
