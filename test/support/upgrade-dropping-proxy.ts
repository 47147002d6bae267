// A reverse proxy configured like nginx without the Upgrade/Connection lines: plain HTTP passes,
// a WebSocket upgrade is forwarded as a plain GET and its answer returned as is (so it never
// becomes a socket). The most common self-hosting mistake, for the tests that must recognise it.
import { createServer, request, type Server } from 'node:http';

export async function startUpgradeDroppingProxy(targetUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(targetUrl);
  const proxy: Server = createServer((req, res) => {
    const { upgrade: _u, connection: _c, ...headers } = req.headers;
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  // Node hands upgrade requests to 'upgrade' listeners; a proxy that ignores them answers plainly.
  proxy.on('upgrade', (req, socket) => {
    const fwd = request({ host: target.hostname, port: target.port, path: req.url, method: 'GET' }, (r) => {
      let body = '';
      r.on('data', (d) => (body += d));
      r.on('end', () =>
        socket.end(`HTTP/1.1 ${r.statusCode} Proxied\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`),
      );
    });
    fwd.on('error', () => socket.destroy());
    fwd.end();
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        proxy.closeAllConnections();
        proxy.close(() => r());
      }),
  };
}
