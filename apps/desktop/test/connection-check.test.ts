// "Connect to a server" checks the address live against a real Tandem server, and explains a
// reverse proxy that does not pass WebSockets (simulated here by a small proxy that forwards
// plain requests but strips the upgrade, as a proxy without WebSocket configuration does).
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import { checkServer } from '../src/connection-check.js';

let server: TestServer;
let refusing: TestServer;
let proxy: Server;
let notTandem: Server;

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

/** Forwards every request to `target` as plain HTTP, dropping Upgrade/Connection. */
function upgradeStrippingProxy(target: string): Server {
  const forward = (
    req: import('node:http').IncomingMessage,
    write: (status: number, headers: Record<string, string>, body: Buffer) => void,
  ) => {
    const headers = { ...req.headers };
    delete headers.upgrade;
    delete headers.connection;
    delete headers['sec-websocket-key'];
    delete headers['sec-websocket-version'];
    const up = request(`${target}${req.url}`, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        write(res.statusCode ?? 502, { 'content-type': String(res.headers['content-type'] ?? 'text/plain') }, Buffer.concat(chunks)),
      );
    });
    req.pipe(up);
  };
  const s = createServer((req, res) => forward(req, (status, headers, body) => res.writeHead(status, headers).end(body)));
  s.on('upgrade', (req, socket) =>
    forward(req, (status, headers, body) => {
      socket.end(
        `HTTP/1.1 ${status} X\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
    }),
  );
  return s;
}

beforeAll(async () => {
  server = await startTestServer();
  refusing = await startTestServer({ TANDEM_DESKTOP_APP: 'false' });
  proxy = upgradeStrippingProxy(server.url);
  notTandem = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>It works!</h1>'));
});
afterAll(async () => {
  proxy?.close();
  notTandem?.close();
  await server?.close();
  await refusing?.close();
});

describe('connect to a server: live check', () => {
  it('passes a Tandem server reached directly: reachable, Tandem with its version, desktop allowed, WebSockets pass', async () => {
    const result = await checkServer(server.url);
    expect(result).toEqual({
      ok: true,
      url: server.url,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      passed: ['address', 'reachable', 'tandem', 'desktop', 'websocket'],
    });
  });

  it('explains a proxy that does not pass WebSockets, after the plain checks passed through it', async () => {
    const url = await listen(proxy);
    const result = await checkServer(url);
    expect(result).toMatchObject({ ok: false, failed: 'websocket', passed: ['address', 'reachable', 'tandem', 'desktop'] });
    expect(result.ok === false && result.message).toMatch(/proxy.*not forwarding them.*Upgrade/);
  });

  it('tells apart an address that answers but is not Tandem', async () => {
    const url = await listen(notTandem);
    expect(await checkServer(url)).toMatchObject({ ok: false, failed: 'tandem', message: expect.stringMatching(/not a Tandem server/) });
  });

  it('names a server that refuses the desktop app and the setting that allows it', async () => {
    expect(await checkServer(refusing.url)).toMatchObject({
      ok: false,
      failed: 'desktop',
      message: expect.stringMatching(/TANDEM_DESKTOP_APP=true/),
    });
  });

  it('reports an unreachable address and a malformed one without throwing', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((r) => closed.close(r));
    expect(await checkServer(url, { timeoutMs: 2000 })).toMatchObject({
      ok: false,
      failed: 'reachable',
      message: expect.stringMatching(/No answer/),
    });
    expect(await checkServer('ftp://files.example')).toMatchObject({ ok: false, failed: 'address', passed: [] });
  });
});
