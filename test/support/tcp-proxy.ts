import net from 'node:net';

export type TcpProxy = {
  /** The proxy's own port on 127.0.0.1. */
  port: number;
  /** Connections currently forwarded or held (client side). */
  readonly openConnections: number;
  /** How many connections the proxy has accepted in all (forwarded, refused or held). */
  readonly accepted: number;
  /**
   * Cuts the link: destroys every connection (both sides), then accepts each new one and destroys it
   * at once, as a database that went away would. The port stays bound, so `restore()` cannot lose it.
   */
  cut(): void;
  /**
   * Stalls the link, as dropped packets would: open connections stop carrying data (nothing is
   * closed), and new ones are accepted and then hear nothing.
   */
  stall(): void;
  /** Forwards new connections again; connections that were stalled are closed (their streams are lost). */
  restore(): void;
  close(): Promise<void>;
};

type Pair = { client: net.Socket; upstream: net.Socket | undefined };

/** A TCP forwarder on 127.0.0.1:0 to `target`, for cutting or stalling a real connection (Postgres) mid-test. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: 'forward' | 'cut' | 'stall' = 'forward';
  let accepted = 0;

  const destroy = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const server = net.createServer((client) => {
    accepted += 1;
    client.on('error', () => undefined);
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.on('close', () => destroy(pair));
    if (mode === 'stall') {
      client.pause(); // held open, never answered
      return;
    }
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => destroy(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;

  const destroyAll = () => {
    for (const pair of [...pairs]) destroy(pair);
  };

  return {
    port,
    get openConnections() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      mode = 'cut';
      destroyAll();
    },
    stall() {
      mode = 'stall';
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    restore() {
      if (mode === 'stall') destroyAll();
      mode = 'forward';
    },
    close() {
      mode = 'cut';
      destroyAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `url` with its host and port replaced by the proxy's. */
export function viaProxy(url: string, proxy: Pick<TcpProxy, 'port'>): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}

/** Host and port of a `postgres://` URL (default port 5432). */
export function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : 5432 };
}
