import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServerTools, motoVenv } from './ensure-server-tools.ts';
import { freePort } from './free-port.ts';
import { startManagedProcess } from './managed-process.ts';

/** moto in server mode on 127.0.0.1: the ECR API for tests (any credentials are accepted). */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`, for the SDK's endpoint setting (AWS_ENDPOINT_URL_ECR). */
  endpoint: string;
  /** moto's default account. */
  accountId: string;
  /** The registry password in moto's GetAuthorizationToken answer for `accountId`. */
  registryPassword: string;
  /** Forgets every repository (POST /moto-api/reset). */
  reset(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startMotoServer(): Promise<MotoServer> {
  await ensureServerTools();
  const dir = await mkdtemp(join(tmpdir(), 'sagemaker-templates-moto-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const process_ = await startManagedProcess({
    name: 'moto',
    command: join(motoVenv(), 'bin/moto_server'),
    args: ['-H', '127.0.0.1', '-p', String(port)],
    logFile: join(dir, 'moto.log'),
    ready: async () => (await fetch(`${endpoint}/moto-api/`)).ok,
    timeoutMs: 60_000,
  });
  const accountId = '123456789012';
  const close = async () => {
    await process_.stop();
    await rm(dir, { recursive: true, force: true });
  };
  return {
    endpoint,
    accountId,
    registryPassword: `${accountId}-auth-token`,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
