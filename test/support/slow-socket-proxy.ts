// A TCP proxy in front of a test server that passes HTTP as is but holds what a browser sends on a
// /ws socket (after the upgrade) for `delayMs`: the socket opens at once, its `sub` frames reach the
// server late. It opens the window in which a screen's first read and its room join can cross.
import { connect, createServer, type Socket } from 'node:net';

export async function startSlowSocketProxy(targetUrl: string, delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(targetUrl);
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.pipe(client);
    let socketFrames: boolean | null = null;
    client.on('data', (chunk: Buffer) => {
      if (socketFrames === null) {
        // The first bytes of a connection are its request line: a /ws upgrade goes through at once.
        socketFrames = chunk.toString('latin1', 0, 8).startsWith('GET /ws?');
        upstream.write(chunk);
      } else if (socketFrames) {
        setTimeout(() => upstream.writable && upstream.write(chunk), delayMs); // same delay: order kept
      } else {
        upstream.write(chunk);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
