import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { machineCache } from './managed-process.ts';

const run = promisify(execFile);

export const REGISTRY_BINARY =
  process.env.SAGEMAKER_TEMPLATES_REGISTRY_BINARY ?? '/usr/bin/docker-registry';
export const motoVenv = () => join(machineCache(), 'moto-venv');
const script = join(import.meta.dirname, '../../../../tools/machine/ensure-push-test-servers.sh');

let ensured: Promise<void> | undefined;

/** Installs docker-registry and moto (tools/machine/ensure-push-test-servers.sh) when one is missing. */
export function ensureServerTools(): Promise<void> {
  ensured ??= (async () => {
    const present = await Promise.all(
      [REGISTRY_BINARY, join(motoVenv(), 'bin/moto_server'), join(motoVenv(), 'bin/python')].map(
        (f) =>
          access(f).then(
            () => true,
            () => false,
          ),
      ),
    );
    if (present.every(Boolean)) return;
    try {
      await run('bash', [script], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(
        `Preparing the push test servers failed (bash ${script}):\n${stdout ?? ''}${stderr ?? ''}`,
      );
    }
  })();
  return ensured;
}
