import { createConnection } from 'node:net';
import ssh2 from 'ssh2';

/**
 * An SSH server on 127.0.0.1 that answers `docker system dial-stdio` (what a client runs for
 * DOCKER_HOST=ssh://) with the local engine's socket. It accepts any user without credentials
 * (the `none` method): for tests only, on loopback, closed after.
 */
export interface SshEngineProxy extends AsyncDisposable {
  /** `ssh://test@127.0.0.1:<port>` */
  dockerHost: string;
  close(): Promise<void>;
}

const DIAL = 'docker system dial-stdio';

/** Starts the server; `await using` closes it and every connection. */
export async function startSshEngineProxy(
  socketPath = '/var/run/docker.sock',
): Promise<SshEngineProxy> {
  const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
  const clients = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => client.end());
    client.on('authentication', (ctx) =>
      ctx.method === 'none' ? ctx.accept() : ctx.reject(['none']),
    );
    client.on('session', (acceptSession) => {
      acceptSession().on('exec', (accept, reject, info) => {
        if (info.command !== DIAL) return reject();
        const stream = accept();
        const engine = createConnection(socketPath);
        stream.pipe(engine).pipe(stream);
        engine.on('error', () => stream.close());
        engine.on('close', () => {
          stream.exit(0);
          stream.end();
        });
        stream.on('close', () => engine.destroy());
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  const close = async () => {
    for (const client of clients) client.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { dockerHost: `ssh://test@127.0.0.1:${port}`, close, [Symbol.asyncDispose]: close };
}
