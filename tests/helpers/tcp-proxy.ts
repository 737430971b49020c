import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';

/** A TCP relay a test can cut: while down, connections to it are refused, as to a server that is gone. */
export interface TcpProxy {
  /** host:port to connect to instead of the target. */
  address: string;
  /** Refuses new connections and drops the open ones. */
  down(): Promise<void>;
  /** Relays again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', end).on('close', end);
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (on: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const ownPort = await listen(0);
  const down = async () => {
    if (!server.listening) return;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of open) socket.destroy();
    await closed;
  };
  return {
    address: `127.0.0.1:${ownPort}`,
    down,
    up: async () => void (await listen(ownPort)),
    close: down,
  };
}
