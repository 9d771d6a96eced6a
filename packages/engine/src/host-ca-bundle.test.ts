import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostCaBundleCandidates, readHostCaBundle } from './host-ca-bundle.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ca-test-'));
  await writeFile(path.join(dir, 'node.pem'), 'NODE');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('host CA bundle', () => {
  it('prefers SSL_CERT_FILE, then NODE_EXTRA_CA_CERTS, then the Debian bundle', () => {
    expect(hostCaBundleCandidates({ SSL_CERT_FILE: '/a', NODE_EXTRA_CA_CERTS: '/b' })).toEqual([
      '/a',
      '/b',
      '/etc/ssl/certs/ca-certificates.crt',
    ]);
    expect(hostCaBundleCandidates({})).toEqual(['/etc/ssl/certs/ca-certificates.crt']);
  });

  it('skips candidates that do not exist', async () => {
    const bundle = await readHostCaBundle([
      path.join(dir, 'missing.pem'),
      path.join(dir, 'node.pem'),
    ]);
    expect(bundle).toEqual({ content: Buffer.from('NODE'), source: path.join(dir, 'node.pem') });
  });

  it('is an empty file when the host has no bundle', async () => {
    expect(await readHostCaBundle([path.join(dir, 'missing.pem')])).toEqual({
      content: Buffer.alloc(0),
    });
  });
});
