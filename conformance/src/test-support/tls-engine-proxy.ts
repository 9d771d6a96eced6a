import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

/** The local engine behind TLS with client certificates, as `dockerd --tlsverify` serves it. */
export interface TlsEngineProxy extends AsyncDisposable {
  /** `tcp://127.0.0.1:<port>` */
  dockerHost: string;
  port: number;
  /** Holds ca.pem, cert.pem and key.pem for a client, as DOCKER_CERT_PATH expects. */
  certDir: string;
  close(): Promise<void>;
}

const openssl = (cwd: string, ...args: string[]) =>
  promisify(execFile)('openssl', args, { cwd, timeout: 60_000 });

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
async function makeCertificates(dir: string): Promise<void> {
  await openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
  );
  await writeFile(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [
    ['server', '/CN=127.0.0.1'],
    ['client', '/CN=client'],
  ] as const) {
    const key = name === 'client' ? 'key.pem' : 'server-key.pem';
    const cert = name === 'client' ? 'cert.pem' : 'server-cert.pem';
    await openssl(
      dir,
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      key,
      '-out',
      `${name}.csr`,
    );
    await openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      cert,
    );
  }
}

/** Starts the proxy on loopback; `await using` closes it and removes the certificates. */
export async function startTlsEngineProxy(
  socketPath = '/var/run/docker.sock',
): Promise<TlsEngineProxy> {
  const certDir = await mkdtemp(join(tmpdir(), 'engine-tls-'));
  await makeCertificates(certDir);
  const read = (file: string) => readFile(join(certDir, file));
  const sockets = new Set<TLSSocket>();
  const server = createServer(
    {
      key: await read('server-key.pem'),
      cert: await read('server-cert.pem'),
      ca: await read('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      const engine = createConnection(socketPath);
      client.pipe(engine).pipe(client);
      client.on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the TLS engine proxy has no port');
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(certDir, { recursive: true, force: true });
  };
  return {
    dockerHost: `tcp://127.0.0.1:${address.port}`,
    port: address.port,
    certDir,
    close,
    [Symbol.asyncDispose]: close,
  };
}
