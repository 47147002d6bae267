import { connect } from 'node:net';
import { encodeFrame } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { openProbe, type Probe, upgradeStatus } from './socket-probe.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    WS_MAX_FRAME_BYTES: '2048',
    WS_MAX_FRAMES_PER_SECOND: '20',
    WS_MAX_SOCKETS_PER_USER: '3',
    WS_MAX_ROOMS_PER_SOCKET: '2',
    WS_HEARTBEAT_INTERVAL_MS: '200',
    WS_IDLE_TIMEOUT_MS: '700',
    WS_PREAUTH_MAX_BYTES: '1024',
  });
});
afterAll(() => server?.close());

async function alive(p: Probe) {
  p.send({ t: 'ping' });
  await p.next('pong');
}

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('/ws bad input', () => {
  const cases: [string, Uint8Array | string][] = [
    ['malformed msgpack', bytes(0xc1, 0x00)],
    ['a truncated string', bytes(0x81, 0xa1, 0x74, 0xdb, 0x00, 0x00, 0x10)],
    ['a map declaring 4 billion entries', bytes(0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x74)],
    ['an array declaring 4 billion items', bytes(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01)],
    ['a string declaring 4 GB', bytes(0xdb, 0xff, 0xff, 0xff, 0xff, 0x61)],
    ['deep nesting', new Uint8Array(500).fill(0x91)],
    ['an extension type', bytes(0xd4, 0x01, 0x00)],
    ['a value that is not a map', encodeFrame('sub' as never)],
    ['an unknown frame type', encodeFrame({ t: 'explode' } as never)],
    ['a wrong field type', encodeFrame({ t: 'sub', room: 42 } as never)],
    ['a room that is not a room', encodeFrame({ t: 'sub', room: 'project:../../etc' } as never)],
    [
      'presence with unknown fields',
      encodeFrame({ t: 'presence', room: 'workspace:00000000-0000-4000-8000-000000000000', state: { html: '<b>' } } as never),
    ],
    ['trailing bytes', Uint8Array.from([...encodeFrame({ t: 'ping' }), 0x01])],
    ['a text frame', '{"t":"ping"}'],
  ];

  it.each(cases)('answers %s with an error frame and keeps the socket usable', async (_name, frame) => {
    const u = await server.user('fuzz');
    const p = await openProbe(server.url, u.accessToken!);
    p.sendRaw(frame);
    const err = await p.next('error');
    expect(['bad_request', 'validation_failed']).toContain(err.code);
    await alive(p);
    p.close();
  });

  it('closes a socket sending a frame over the size limit with 1009, without affecting another client', async () => {
    const u = await server.user('big');
    const bystander = await openProbe(server.url, u.accessToken!);
    const p = await openProbe(server.url, u.accessToken!);
    p.sendRaw(new Uint8Array(4096));
    expect((await p.waitClosed()).code).toBe(1009);
    await alive(bystander);
    bystander.close();
  });

  it('refuses presence into a room the socket has not joined', async () => {
    const u = await server.user('nosy');
    const ws = await u.workspaces.create({ name: 'Mine' });
    const p = await openProbe(server.url, u.accessToken!);
    p.send({ t: 'presence', room: `workspace:${ws.id}`, state: { viewing: 'board' } });
    expect(await p.next('error')).toMatchObject({ code: 'not_found', ref: `workspace:${ws.id}` });
    p.close();
  });
});

describe('/ws limits', () => {
  it('refuses an upgrade that sends more than the pre-auth byte limit before the handshake', async () => {
    const u = await server.user('eager');
    const { port } = new URL(server.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write(
          `GET /ws?token=${u.accessToken} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
        s.write(Buffer.alloc(8192, 1));
      });
      let data = '';
      s.on('data', (d) => (data += d.toString('latin1')));
      s.on('close', () => resolve(data));
      s.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
  });

  it('warns a socket over the frame rate, then closes it with 1008', async () => {
    const u = await server.user('flood');
    const p = await openProbe(server.url, u.accessToken!);
    for (let i = 0; i < 30; i++) p.send({ t: 'ping' });
    expect(await p.next('error')).toMatchObject({ code: 'rate_limited' });
    expect(p.closed).toBeNull();
    for (let i = 0; i < 100; i++) p.send({ t: 'ping' });
    expect((await p.waitClosed()).code).toBe(1008);
  });

  it('closes sockets over the per-user limit with 4029', async () => {
    const u = await server.user('many');
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await openProbe(server.url, u.accessToken!));
    const extra = await openProbe(server.url, u.accessToken!);
    expect((await extra.waitClosed()).code).toBe(4029);
    open[0]!.close();
    await open[0]!.waitClosed();
    for (const p of open.slice(1)) await alive(p);
    for (const p of open) p.close();
  });

  it('caps the rooms one socket may hold', async () => {
    const u = await server.user('rooms');
    const a = await u.workspaces.create({ name: 'A' });
    const b = await u.workspaces.create({ name: 'B' });
    const c = await u.workspaces.create({ name: 'C' });
    const p = await openProbe(server.url, u.accessToken!);
    await p.sub(`workspace:${a.id}`);
    await p.sub(`workspace:${b.id}`);
    expect(await p.sub(`workspace:${c.id}`)).toMatchObject({ t: 'error', code: 'bad_request', ref: `workspace:${c.id}` });
    p.close();
  });

  it('drops a socket that stops answering pings, and its presence with it', async () => {
    const u = await server.user('ghost');
    const ws = await u.workspaces.create({ name: 'Haunted' });
    const room = `workspace:${ws.id}`;
    const watcher = await openProbe(server.url, u.accessToken!);
    await watcher.sub(room);
    const ghost = await openProbe(server.url, u.accessToken!, { autoPong: false });
    await ghost.sub(room);
    ghost.send({ t: 'presence', room, state: { viewing: 'board' } });
    await watcher.next('presence', (f) => f.users.length === 1);
    await watcher.next('presence', (f) => f.users.length === 0);
    await ghost.waitClosed();
    expect(watcher.closed).toBeNull();
    watcher.close();
  });

  it('keeps a quiet socket that answers pings', async () => {
    const u = await server.user('quiet');
    const p = await openProbe(server.url, u.accessToken!);
    await new Promise((r) => setTimeout(r, 1500)); // two idle timeouts of silence from the client
    await alive(p);
    p.close();
  });

  it('still accepts new sockets after all of the above', async () => {
    const u = await server.user('after');
    expect(await upgradeStatus(server.url, u.accessToken!)).toBe(101);
  });
});
