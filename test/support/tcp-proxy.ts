// A TCP proxy that a test can cut and restore, to make a dependency (PostgreSQL, Redis) unreachable,
// or point at another node, as a load balancer does during a rolling restart.
import { connect, createServer, type Server, type Socket } from 'node:net';

export async function startTcpProxy(initialTargetPort: number, targetHost = '127.0.0.1') {
  let targetPort = initialTargetPort;
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
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
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
    /** Sends new connections to another port (open ones stay where they are), like a load balancer. */
    retarget(port: number) {
      targetPort = port;
    },
    /** Accepts connections again on the same port. */
    restore: listen,
    close() {
      return this.cut();
    },
  };
}
