import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contextEngineOptions,
  currentContextName,
  dockerContextOptions,
  readDockerContext,
} from './docker-context.ts';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'docker-context-'));
});
afterEach(() => rm(home, { recursive: true, force: true }));

const id = (name: string) => createHash('sha256').update(name).digest('hex');

/** Writes a context as `docker context create` does. */
async function writeContext(name: string, host: string, tls?: Record<string, string>) {
  const meta = path.join(home, '.docker', 'contexts', 'meta', id(name));
  await mkdir(meta, { recursive: true });
  const endpoint = { Host: host, SkipTLSVerify: tls?.skip === 'true' };
  await writeFile(
    path.join(meta, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: endpoint } }),
  );
  const tlsDir = path.join(home, '.docker', 'contexts', 'tls', id(name), 'docker');
  for (const file of ['ca.pem', 'cert.pem', 'key.pem'].filter((f) => tls?.[f])) {
    await mkdir(tlsDir, { recursive: true });
    await writeFile(path.join(tlsDir, file), tls?.[file] ?? '');
  }
}

describe('docker contexts', () => {
  it('takes DOCKER_CONTEXT, else currentContext of config.json; default is no context', async () => {
    expect(currentContextName({}, home)).toBeUndefined();
    await mkdir(path.join(home, '.docker'), { recursive: true });
    await writeFile(path.join(home, '.docker', 'config.json'), '{"currentContext":"gpu"}');
    expect(currentContextName({}, home)).toBe('gpu');
    expect(currentContextName({ DOCKER_CONTEXT: 'other' }, home)).toBe('other');
    expect(currentContextName({ DOCKER_CONTEXT: 'default' }, home)).toBeUndefined();
  });

  it('resolves a tcp context with its TLS material to https options', async () => {
    await writeContext('gpu', 'tcp://gpu-1.example.com:2376', {
      'ca.pem': 'CA',
      'cert.pem': 'CERT',
      'key.pem': 'KEY',
    });
    const options = dockerContextOptions({ DOCKER_CONTEXT: 'gpu' }, home);
    expect(options).toMatchObject({ host: 'gpu-1.example.com', port: '2376', protocol: 'https' });
    expect(String(options?.ca)).toBe('CA');
    expect(String(options?.cert)).toBe('CERT');
    expect(String(options?.key)).toBe('KEY');
  });

  it('resolves plain tcp, ssh and unix endpoints, and accepts any certificate when SkipTLSVerify', async () => {
    await writeContext('plain', 'tcp://10.0.0.5:2375');
    await writeContext('ssh', 'ssh://ubuntu@gpu-2:2222');
    await writeContext('sock', 'unix:///run/user/1000/docker.sock');
    await writeContext('skip', 'tcp://gpu-3:2376', { skip: 'true', 'ca.pem': 'CA' });
    const options = (name: string) => contextEngineOptions(readDockerContext(name, {}, home));
    expect(options('plain')).toEqual({ host: '10.0.0.5', port: '2375', protocol: 'http' });
    expect(options('ssh')).toMatchObject({
      protocol: 'ssh',
      host: 'gpu-2',
      port: '2222',
      username: 'ubuntu',
    });
    expect(options('sock')).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    const skip = options('skip') as {
      protocol: string;
      agent: { options: Record<string, unknown> };
    };
    expect(skip.protocol).toBe('https');
    expect(skip.agent.options.rejectUnauthorized).toBe(false);
  });

  it('reads TLS material from ~/.docker when DOCKER_TLS_VERIFY=1 names no DOCKER_CERT_PATH', async () => {
    const env = { DOCKER_HOST: 'tcp://gpu-1:2376', DOCKER_TLS_VERIFY: '1' };
    expect(() => dockerContextOptions(env, home)).toThrow(/needs ca.pem, cert.pem and key.pem/);
    await mkdir(path.join(home, '.docker'), { recursive: true });
    for (const file of ['ca', 'cert', 'key'])
      await writeFile(path.join(home, '.docker', `${file}.pem`), file.toUpperCase());
    const options = dockerContextOptions(env, home);
    expect([options?.ca, options?.cert, options?.key].map(String)).toEqual(['CA', 'CERT', 'KEY']);
    expect(dockerContextOptions({ ...env, DOCKER_CERT_PATH: '/certs' }, home)).toBeUndefined();
  });

  it('leaves the choice to DOCKER_HOST when it is set, and names a missing context', async () => {
    expect(dockerContextOptions({ DOCKER_HOST: 'tcp://x:1', DOCKER_CONTEXT: 'gpu' }, home)).toBe(
      undefined,
    );
    expect(() => dockerContextOptions({ DOCKER_CONTEXT: 'nope' }, home)).toThrow(
      /Docker context "nope" does not exist.*docker context create nope/,
    );
  });
});
