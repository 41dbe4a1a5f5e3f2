import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of a server (PostgreSQL here) that a test can stop, hang and restart:
 * the database "goes away" under a running app without touching the shared server.
 * - `stop()`: every open connection is cut and new ones are refused (a server that went down);
 * - `hang()`: connections are accepted and never answered (a server or network that froze);
 * - `start()`: relays again, on the same port.
 */
export interface TcpRelay {
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  hang(): Promise<void>;
}

export async function createTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let mode: 'relay' | 'hang' = 'relay';

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((client) => {
        track(client);
        if (mode === 'hang') return;
        const upstream = connect(target.port, target.host);
        track(upstream);
        client.pipe(upstream).pipe(client);
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });

  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const close = async () => {
    const current = server;
    server = undefined;
    cutAll();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    start: async () => {
      mode = 'relay';
      if (!server) await listen();
    },
    stop: close,
    hang: async () => {
      cutAll();
      mode = 'hang';
      if (!server) await listen();
    },
  };
}
