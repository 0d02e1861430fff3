import net from 'node:net';

export type FaultyLink = {
  /** The database URL through the link. */
  url: string;
  /** What a lost server looks like: every connection through the link is reset, new ones are refused. */
  cut: () => Promise<void>;
  /** What a frozen server or a stalled network looks like: connections stay open, but no byte goes through. */
  stall: () => void;
  /** Back to normal: new connections go through (after a cut), held bytes flow again (after a stall). */
  restore: () => Promise<void>;
  close: () => Promise<void>;
};

/**
 * A TCP hop between code under test and the test's PostgreSQL, which the test can cut or stall: real network
 * faults for one database's connections while the server itself keeps serving the other test files.
 */
export async function startFaultyLink(databaseUrl: string): Promise<FaultyLink> {
  const target = new URL(databaseUrl);
  const pairs = new Set<[net.Socket, net.Socket]>();
  let stalled = false;

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    for (const [from, to] of [pair, [upstream, client] as const]) {
      from.on('data', (chunk) => to.write(chunk));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        to.destroy();
        pairs.delete(pair);
      });
      if (stalled) from.pause();
    }
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const closeServer = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const sockets of pairs) for (const s of sockets) s.destroy();
    });

  return {
    url: url.toString(),
    cut: closeServer,
    stall: () => {
      stalled = true;
      for (const sockets of pairs) for (const s of sockets) s.pause();
    },
    restore: async () => {
      stalled = false;
      for (const sockets of pairs) for (const s of sockets) s.resume();
      if (!server.listening) await listen(port);
    },
    close: closeServer,
  };
}
