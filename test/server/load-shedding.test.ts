// Past its limit a node sheds load instead of timing out: while the event loop is stalled beyond
// OVERLOAD_EVENT_LOOP_DELAY_MS, new requests get 503 + Retry-After, new socket upgrades HTTP 503 +
// Retry-After (before any token is looked at), and /health and /metrics still answer. The stall is
// made on purpose: requests are written to the server's sockets, then this process (which runs the
// server) is kept busy for a bounded time, so every request is read only after the stall.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const THRESHOLD_MS = 400;
/** Longer than the one-second window plus the threshold, so the guard must notice it. */
const STALL_MS = 1000 + THRESHOLD_MS + 800;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** The response read from `socket` (a 101 resolves at its headers; anything else once its body is in). */
function responseOf(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let raw = Buffer.alloc(0);
    const parse = () => {
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const [statusLine, ...lines] = raw.subarray(0, end).toString().split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const status = Number(statusLine!.split(' ')[1]);
      const body = raw.subarray(end + 4);
      if (status !== 101 && body.length < Number(headers['content-length'] ?? 0)) return null;
      return { status, headers, body: body.toString() };
    };
    socket.on('data', (chunk) => {
      raw = Buffer.concat([raw, chunk]);
      const r = parse();
      if (r) {
        socket.destroy();
        resolve(r);
      }
    });
    socket.once('close', () => reject(new Error(`closed without a complete response: ${raw.toString().slice(0, 200)}`)));
    socket.once('error', reject);
  });
}

const get = (path: string, token?: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}Connection: close\r\n\r\n`;
const upgrade = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

/** Writes each request on its own connection, stalls this process for STALL_MS, then reads the answers. */
async function duringStall(port: number, requests: string[]): Promise<RawResponse[]> {
  const sockets = await Promise.all(requests.map(() => open(port)));
  const answers = sockets.map(responseOf);
  for (const [i, s] of sockets.entries()) s.write(requests[i]!);
  const until = Date.now() + STALL_MS;
  while (Date.now() < until) {
    // Busy on purpose: this is the overload.
  }
  return Promise.all(answers);
}

async function status(url: string, token: string) {
  return (await fetch(`${url}/api/v1/workspaces`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('load shedding', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ OVERLOAD_EVENT_LOOP_DELAY_MS: String(THRESHOLD_MS), OVERLOAD_RETRY_AFTER_SECONDS: '3' });
    token = (await server.user('busy')).accessToken!;
  });
  afterAll(() => server?.close());

  it('answers requests and upgrades that arrive during a stall with 503 + Retry-After, keeps /health and /metrics answering, then recovers', async () => {
    expect(await status(server.url, token)).toBe(200);
    const [rest, socket, collab, live, metrics] = await duringStall(server.port, [
      get('/api/v1/workspaces', token),
      // A token that would get 401: the upgrade is refused before it is even checked.
      upgrade('/ws?token=not-a-token'),
      upgrade('/collab/00000000-0000-4000-8000-000000000000?token=not-a-token'),
      get('/health/live'),
      get('/metrics'),
    ]);

    expect(rest!.status).toBe(503);
    expect(rest!.headers['retry-after']).toBe('3');
    expect(JSON.parse(rest!.body)).toMatchObject({ error: { code: 'unavailable' } });
    for (const refused of [socket!, collab!]) {
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('3');
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'unavailable' } });
    }
    expect(live!.status).toBe(200);
    expect(metrics!.status).toBe(200);
    expect(metrics!.body).toMatch(/tandem_overload_shed_total\{kind="http"\} [1-9]/);
    expect(metrics!.body).toMatch(/tandem_overload_shed_total\{kind="upgrade"\} [2-9]/);
    expect(metrics!.body).toMatch(/tandem_overload_shedding 1/);

    // Once a window's delay is back under the limit, the node takes requests again.
    let last = 0;
    const deadline = Date.now() + 15_000;
    while ((last = await status(server.url, token)) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(last).toBe(200);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/tandem_overload_shedding 0/);
  });
});

describe('load shedding turned off (OVERLOAD_EVENT_LOOP_DELAY_MS=0)', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ OVERLOAD_EVENT_LOOP_DELAY_MS: '0' });
    token = (await server.user('patient')).accessToken!;
  });
  afterAll(() => server?.close());

  it('serves requests that waited out a stall', async () => {
    const [rest, live] = await duringStall(server.port, [get('/api/v1/workspaces', token), get('/health/live')]);
    expect(rest!.status).toBe(200);
    expect(live!.status).toBe(200);
  });
});
