import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureServerTools, motoVenv, REGISTRY_BINARY } from './ensure-server-tools.ts';
import { freePort } from './free-port.ts';
import { startManagedProcess, type ManagedProcess } from './managed-process.ts';

const run = promisify(execFile);

/** An OCI registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1, with basic auth. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  storageDir: string;
  username: string;
  /** Repositories the registry holds. */
  catalog(): Promise<string[]>;
  /** Tags of a repository ([] when it has none). */
  tags(repository: string): Promise<string[]>;
  /** Bytes of every blob stored: what pushes uploaded, after compression. */
  storedBytes(): Promise<number>;
  /** Stops it; the storage stays until close(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  /** Stops it and removes its storage. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts docker-registry on a free loopback port with a temporary storage folder. Docker treats
 * 127.0.0.0/8 as an insecure registry, so the engine pushes to it over plain HTTP without daemon
 * configuration. The only user is `username` with `password` (ECR tokens are `AWS:<token>`; moto's
 * token for account 123456789012 is `123456789012-auth-token`).
 */
export async function startLocalRegistry(
  options: { username?: string; password?: string } = {},
): Promise<LocalRegistry> {
  await ensureServerTools();
  const username = options.username ?? 'AWS';
  const password = options.password ?? '123456789012-auth-token';
  const dir = await mkdtemp(join(tmpdir(), 'sagemaker-templates-registry-'));
  const storageDir = join(dir, 'storage');
  // Cost 4 (the least): bcrypt is checked on every request, and the default costs 0.25 s each.
  const { stdout: hash } = await run(join(motoVenv(), 'bin/python'), [
    '-c',
    'import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())',
    password,
  ]);
  await writeFile(join(dir, 'htpasswd'), `${username}:${hash.trim()}\n`);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  await writeFile(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storageDir}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      'auth:',
      '  htpasswd:',
      '    realm: sagemaker-templates-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const api = (path: string) =>
    fetch(`http://${host}${path}`, {
      headers: { authorization },
      signal: AbortSignal.timeout(10_000),
    });

  let process: ManagedProcess | undefined;
  const start = async () => {
    process = await startManagedProcess({
      name: 'docker-registry',
      command: REGISTRY_BINARY,
      args: ['serve', join(dir, 'config.yml')],
      logFile: join(dir, 'registry.log'),
      ready: async () => (await fetch(`http://${host}/v2/`)).status === 401,
    });
  };
  const stop = async () => {
    await process?.stop();
    process = undefined;
  };
  await start();
  const close = async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  };
  return {
    host,
    storageDir,
    username,
    async catalog() {
      const body = (await (await api('/v2/_catalog?n=1000')).json()) as { repositories?: string[] };
      return body.repositories ?? [];
    },
    async tags(repository) {
      const response = await api(`/v2/${repository}/tags/list`);
      if (response.status === 404) return [];
      const body = (await response.json()) as { tags?: string[] | null };
      return (body.tags ?? []).sort();
    },
    storedBytes: () => folderBytes(join(storageDir, 'docker/registry/v2/blobs')),
    stop,
    start,
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}
