// The desktop app's pages come from app://tandem: the server lets that origin call the API and
// open sockets while TANDEM_DESKTOP_APP is on (the default), and refuses it once it is off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { wsUrl } from '../realtime/socket-probe.js';
import { startTestServer, type TestServer } from '../support/server.js';

const APP = 'app://tandem';

/** Opens /ws with a browser-like Origin header; reports whether it opened or the HTTP status it got. */
function openSocket(server: TestServer, token: string, opts: { origin: string }) {
  return new Promise<{ opened: boolean; status?: number; close: () => void }>((resolve) => {
    const ws = new WebSocket(wsUrl(server.url, token), { origin: opts.origin });
    ws.on('open', () => resolve({ opened: true, close: () => ws.close() }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode, close: () => undefined });
      ws.terminate();
    });
    ws.on('error', () => resolve({ opened: false, close: () => undefined }));
  });
}

async function preflight(server: TestServer, origin: string) {
  const res = await fetch(`${server.url}/api/v1/me`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });
  await res.arrayBuffer();
  return res.headers.get('access-control-allow-origin');
}

describe('desktop app origin, allowed by default', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('says it is Tandem, with its version, without a token', async () => {
    const res = await fetch(`${server.url}/api/v1/server-info`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      product: 'tandem',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      desktopApp: true,
      updateFeed: false,
    });
  });

  it('answers CORS for app://tandem and not for another custom origin', async () => {
    expect(await preflight(server, APP)).toBe(APP);
    expect(await preflight(server, 'app://evil')).toBeNull();
    expect(await preflight(server, 'https://evil.example')).toBeNull();
    const me = await server.user('desk');
    const res = await fetch(`${server.url}/api/v1/me`, { headers: { origin: APP, authorization: `Bearer ${me.accessToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('lets the app open the realtime socket and refuses a foreign origin at the upgrade', async () => {
    const me = await server.user('desk');
    const ok = await openSocket(server, me.accessToken!, { origin: APP });
    expect(ok.opened).toBe(true);
    ok.close();
    const refused = await openSocket(server, me.accessToken!, { origin: 'app://evil' });
    expect(refused.opened).toBe(false);
    expect(refused.status).toBe(403);
  });
});

describe('desktop app origin, turned off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TANDEM_DESKTOP_APP: 'false' });
  });
  afterAll(() => server?.close());

  it('refuses app://tandem for CORS and sockets and says so in server-info', async () => {
    expect(await preflight(server, APP)).toBeNull();
    const me = await server.user('desk');
    const refused = await openSocket(server, me.accessToken!, { origin: APP });
    expect(refused.opened).toBe(false);
    expect(refused.status).toBe(403);
    expect(await (await fetch(`${server.url}/api/v1/server-info`)).json()).toMatchObject({ desktopApp: false });
  });
});
