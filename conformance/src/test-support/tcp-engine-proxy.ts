import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP port on 127.0.0.1 forwarding to the local engine's socket: a "remote" engine for tests. */
export interface TcpEngineProxy extends AsyncDisposable {
  /** `tcp://<host>:<port>`, for DOCKER_HOST. */
  dockerHost: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy on `host` (default loopback) to `socketPath`; `await using` closes it and every
 * connection through it. Listen on an address other hosts cannot reach: it grants the engine.
 */
export async function startTcpEngineProxy({
  host = '127.0.0.1',
  socketPath = '/var/run/docker.sock',
}: { host?: string; socketPath?: string } = {}): Promise<TcpEngineProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const engine = createConnection(socketPath);
    track(client);
    track(engine);
    // Byte for byte both ways, hijacked exec and attach streams included.
    client.pipe(engine).pipe(client);
    client.on('error', () => engine.destroy());
    engine.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the engine proxy has no TCP port');
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    dockerHost: `tcp://${host}:${address.port}`,
    port: address.port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
