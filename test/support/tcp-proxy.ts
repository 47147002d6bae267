// A TCP proxy that a test can cut and restore, to make a dependency (PostgreSQL, Redis) unreachable,
// or pause, to partition it silently: connections stay open and nothing flows either way (as when a
// network drops packets) until it resumes and what was held is delivered. It can also point at
// another node, as a load balancer does during a rolling restart.
import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;

export async function startTcpProxy(initialTargetPort: number, targetHost = '127.0.0.1') {
  let targetPort = initialTargetPort;
  const pairs = new Set<Pair>();
  let server: Server | null = null;
  let port = 0;
  let paused = false;
  const drop = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };
  const flow = (pair: Pair) => {
    // A connection accepted during a partition reaches its target only once the partition ends.
    if (!pair.upstream) {
      const upstream = connect(targetPort, targetHost);
      pair.upstream = upstream;
      upstream.on('error', () => drop(pair)).on('close', () => drop(pair));
    }
    pair.client.pipe(pair.upstream).pipe(pair.client);
  };
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const pair: Pair = { client, upstream: null };
        pairs.add(pair);
        client.on('error', () => drop(pair)).on('close', () => drop(pair));
        if (paused) client.pause();
        else flow(pair);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    /** Stops accepting and drops every open connection. */
    async cut() {
      for (const pair of pairs) drop(pair);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
    /** Sends new connections to another port (open ones stay where they are), like a load balancer. */
    retarget(port: number) {
      targetPort = port;
    },
    /** Accepts connections again on the same port. */
    restore: listen,
    /** Silently stops forwarding: open connections and new ones stay open, but no byte passes. */
    pause() {
      paused = true;
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    /** Ends a pause: held bytes flow on, connections accepted meanwhile reach the target. */
    resume() {
      paused = false;
      for (const pair of pairs) flow(pair);
    },
    close() {
      return this.cut();
    },
  };
}
