// The OWASP WebSocket cheat sheet's cases, for both socket kinds (/ws and /collab) side by side:
// Origin checked at the upgrade, authentication at the upgrade, message size, message rate, idle
// peers, the per-user socket cap, and upgrades counted by the per-address request limit.
import { encodeFrame } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { workspaceWithDocument } from '../collab/helpers.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { closeCode, upgradeStatus, wsUrl } from './hostile-sockets.js';

let server: TestServer;
let token: string;
let documentId: string;
const kinds = ['ws', 'collab'] as const;
const path = (kind: (typeof kinds)[number], t = token) =>
  kind === 'ws' ? `/ws?token=${encodeURIComponent(t)}` : `/collab/${documentId}?token=${encodeURIComponent(t)}`;

beforeAll(async () => {
  server = await startTestServer({
    TANDEM_ALLOWED_ORIGINS: 'https://app.example.test',
    WS_MAX_FRAME_BYTES: '4096',
    COLLAB_MAX_UPDATE_BYTES: '4096',
    WS_MAX_FRAMES_PER_SECOND: '20',
    COLLAB_MAX_UPDATES_PER_SECOND: '20',
    WS_MAX_SOCKETS_PER_USER: '4',
    WS_HEARTBEAT_INTERVAL_MS: '200',
    WS_IDLE_TIMEOUT_MS: '400',
  });
  const user = await server.user('owasp');
  token = user.accessToken!;
  ({ documentId } = await workspaceWithDocument(user));
});
afterAll(async () => {
  await server?.close();
});

async function open(kind: (typeof kinds)[number], options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(wsUrl(server.url, path(kind)), options);
  ws.on('error', () => undefined);
  // /collab greets first (its sync step 1) once the document is loaded; it may arrive with the 101.
  const greeted = new Promise((r) => ws.once('message', r));
  await new Promise((r) => ws.once('open', r));
  if (kind === 'collab') await greeted;
  return ws;
}

describe.each(kinds)('/%s', (kind) => {
  it('refuses a foreign Origin (403) and accepts the allowlisted one and none', async () => {
    const url = wsUrl(server.url, path(kind));
    expect(await upgradeStatus(url, { origin: 'https://evil.example.test' })).toBe(403);
    expect(await upgradeStatus(url, { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(url, { origin: 'https://app.example.test' })).toBe(101);
    expect(await upgradeStatus(url)).toBe(101);
  });

  it('authenticates at the upgrade: no token, a garbage token or a refresh token gets 401', async () => {
    const base = kind === 'ws' ? '/ws' : `/collab/${documentId}`;
    expect(await upgradeStatus(wsUrl(server.url, base))).toBe(401);
    expect(await upgradeStatus(wsUrl(server.url, path(kind, 'garbage.token.here')))).toBe(401);
    const other = await server.user('refresh');
    expect(await upgradeStatus(wsUrl(server.url, path(kind, other.refreshToken!)))).toBe(401);
  });

  it('closes with 1009 on a message over the size limit', async () => {
    const ws = await open(kind);
    const closed = closeCode(ws);
    ws.send(Buffer.alloc(8192, 1));
    expect(await closed).toBe(1009);
  });

  it('closes a socket that keeps flooding past the frame rate (1008)', async () => {
    const ws = await open(kind);
    const closed = closeCode(ws);
    // /ws: pings; /collab: sync step 1 messages (a state vector of an empty doc). Both cost the node work.
    const frame = kind === 'ws' ? Buffer.from(encodeFrame({ t: 'ping' })) : Buffer.from([0, 0, 1, 0]);
    const flood = setInterval(() => {
      for (let i = 0; i < 30 && ws.readyState === ws.OPEN; i++) ws.send(frame);
    }, 50);
    try {
      expect(await closed).toBe(1008);
    } finally {
      clearInterval(flood);
    }
  });

  it('drops a peer that stops answering pings', async () => {
    const ws = await open(kind, { autoPong: false });
    expect(await closeCode(ws)).toBe(1006);
  });
});

describe('upgrades and the per-address limit', () => {
  it('counts upgrades against RATE_LIMIT_PER_MINUTE and answers 429 with Retry-After past it', async () => {
    const limited = await startTestServer({ RATE_LIMIT_PER_MINUTE: '8' });
    try {
      const user = await limited.user('limited');
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 12; i++) {
        statuses.push(
          await new Promise<number>((resolve) => {
            const ws = new WebSocket(wsUrl(limited.url, `/ws?token=${user.accessToken}`));
            ws.on('unexpected-response', (_req, res) => {
              retryAfter ??= res.headers['retry-after'] as string | undefined;
              resolve(res.statusCode ?? 0);
              ws.terminate();
            });
            ws.on('open', () => {
              resolve(101);
              ws.close();
            });
            ws.on('error', () => undefined);
          }),
        );
      }
      expect(statuses).toContain(429);
      expect(statuses.indexOf(429)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
