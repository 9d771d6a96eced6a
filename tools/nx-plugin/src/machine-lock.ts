import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 500;
// A holder that died between creating the file and writing its pid leaves it empty.
const EMPTY_STALE_MS = 10_000;

/**
 * Runs `work` while holding `file` (created with O_EXCL, holding `pid host`), so that two runs
 * (two Nx tasks, two terminals) never build base images at once. A lock whose process is gone on
 * this host is stale and taken over; otherwise this waits, saying once who holds it.
 */
export async function withMachineLock<T>(
  file: string,
  work: () => Promise<T>,
  onWait: (holder: string) => void = () => undefined,
): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const mine = `${process.pid} ${hostname()}`;
  let said = false;
  while (!(await tryCreate(file, mine))) {
    const holder = await readFile(file, 'utf8').catch(() => '');
    if (await isStale(file, holder)) {
      // Read again just before: another waiter may have taken the stale lock over already.
      const now = await readFile(file, 'utf8').catch(() => '');
      if (now === holder) await unlink(file).catch(() => undefined);
      continue;
    }
    if (!said) onWait(holder.trim() || 'a process that is starting');
    said = true;
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    // Only our own lock: a stale-lock takeover by another run must not be undone.
    if ((await readFile(file, 'utf8').catch(() => '')) === mine)
      await unlink(file).catch(() => undefined);
  }
}

async function tryCreate(file: string, content: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(content);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Whether the lock's holder is certainly gone: its pid no longer runs on this host. */
export async function isStale(file: string, holder: string): Promise<boolean> {
  const [pid, host] = holder.trim().split(' ');
  if (!pid) {
    const since = await stat(file).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    return since > EMPTY_STALE_MS;
  }
  if (host !== hostname()) return false;
  return !isRunning(Number(pid));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
