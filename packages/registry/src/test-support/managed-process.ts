import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';

/** Where the machine scripts keep downloads and venvs; the same default as tools/machine/lib.sh. */
export function machineCache(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.SAGEMAKER_TEMPLATES_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sagemaker-templates')
  );
}

const runDir = () => join(machineCache(), 'run');

/** A server process started for tests; stop() ends it (by its pid) and removes its record. */
export interface ManagedProcess {
  pid: number;
  logFile: string;
  /** The last lines it printed, for error messages. */
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

interface Record {
  pid: number;
  owner: string;
  program: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ends the test servers that killed test runs of this host left behind: a record whose owner
 * process is gone names a pid, and that pid is ended only while it still runs the recorded program.
 */
export async function sweepStaleProcesses(): Promise<number> {
  const dir = runDir();
  const files = await readdir(dir).catch(() => [] as string[]);
  let ended = 0;
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const path = join(dir, file);
    const record = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as Partial<Record>;
    const [host, ownerPid] = (record.owner ?? '').split(':');
    if (host !== hostname() || (ownerPid && alive(Number(ownerPid)))) continue;
    if (record.pid && record.program && alive(record.pid)) {
      const cmdline = await readFile(`/proc/${record.pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(record.program)) {
        process.kill(record.pid, 'SIGKILL');
        ended += 1;
      }
    }
    await rm(path, { force: true });
  }
  return ended;
}

/**
 * Starts a server, records it (so a later run can end it if this one is killed), and waits until
 * `ready()` resolves true; fails with the end of its log if it exits or is not ready in time.
 */
export async function startManagedProcess(options: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}): Promise<ManagedProcess> {
  await sweepStaleProcesses();
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await new Promise((resolve) => log.once('open', resolve));
  const child: ChildProcess = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not start ${options.command}.`);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  await mkdir(runDir(), { recursive: true });
  const recordFile = join(runDir(), `${options.name}-${pid}.json`);
  const record: Record = { pid, owner: `${hostname()}:${process.pid}`, program: options.command };
  await writeFile(recordFile, JSON.stringify(record));

  const logTail = async (lines = 20) =>
    (await readFile(options.logFile, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    log.end();
    await rm(recordFile, { force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(
        `${options.name} (${options.command}) exited with ${exited} while starting. Last lines of ${options.logFile}:\n${await logTail()}`,
      );
    }
    if (await options.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${options.name} (${options.command}) was not ready within ${options.timeoutMs ?? 30_000} ms. Last lines of ${options.logFile}:\n${await logTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pid, logFile: options.logFile, logTail, stop };
}
