import type { RealtimeEvent, RealtimeState } from '@tandem/client';
import { encodeFrame, type PresenceEntry } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketDirectory } from '../../apps/server/src/core/realtime/socket-directory.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openProbe, until } from './socket-probe.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function pair() {
  const a = await server.user('ann');
  const b = await server.user('ben');
  const ws = await a.workspaces.create({ name: 'Shared' });
  await addMember(a, ws.id, b, 'editor');
  return { a, b, ws, room: `workspace:${ws.id}` };
}

/** An SDK socket of `client`, connected, with the events and states it reports. */
async function sdkSocket(client: Awaited<ReturnType<typeof pair>>['b']) {
  const socket = client.realtime({ minBackoffMs: 20, maxBackoffMs: 200 });
  const events: RealtimeEvent[] = [];
  const states: RealtimeState[] = [];
  socket.on('event', (e) => events.push(e));
  socket.on('state', (st) => states.push(st));
  await socket.connect();
  return { socket, events, states };
}

describe('presence', () => {
  it('shows what each user views, types and points at to the others in the room', async () => {
    const { a, b, room } = await pair();
    const pa = await openProbe(server.url, a.accessToken!);
    const pb = await openProbe(server.url, b.accessToken!);
    await pa.sub(room);
    await pb.sub(room);
    pa.send({ t: 'presence', room, state: { viewing: 'board', typing: true, cursor: { anchor: 3, head: 7 } } });
    const seen = await pb.next('presence', (f) => f.users.length === 1);
    expect(seen.users[0]).toMatchObject({ userId: a.userId, state: { viewing: 'board', typing: true, cursor: { anchor: 3, head: 7 } } });
    pb.send({ t: 'presence', room, state: { pointer: { x: 10, y: 20 } } });
    const both = await pa.next('presence', (f) => f.users.length === 2);
    expect(both.users.map((u) => u.userId).sort()).toEqual([a.userId, b.userId].sort());
    pa.close();
    await pb.next('presence', (f) => f.users.length === 1 && f.users[0]!.userId === b.userId);
    pb.close();
  });

  it('moves cursors with compact frames of at most 40 bytes, and a late joiner sees the latest cursor', async () => {
    const { a, b, room } = await pair();
    const pa = await openProbe(server.url, a.accessToken!);
    const pb = await openProbe(server.url, b.accessToken!);
    const sizes: number[] = [];
    pb.ws.on('message', (data: Buffer) => sizes.push(data.length));
    const subbed = (await pa.sub(room)) as { n?: number };
    await pb.sub(room);
    expect(subbed.n).toBeGreaterThan(0);
    pa.send({ t: 'presence', room, state: { viewing: 'doc' } });
    const listed = await pb.next('presence', (f) => f.users.length === 1);
    const cursorFrame = encodeFrame({ t: 'c', r: subbed.n!, a: 1_234_567, h: 1_234_570 });
    expect(cursorFrame.length).toBeLessThanOrEqual(40);
    sizes.length = 0;
    pa.sendRaw(cursorFrame);
    const move = await pb.next('c');
    expect(move).toEqual({ t: 'c', r: expect.any(Number), u: listed.users[0]!.n, a: 1_234_567, h: 1_234_570 });
    expect(sizes).toEqual([expect.any(Number)]);
    expect(sizes[0]).toBeLessThanOrEqual(40);
    const late = await openProbe(server.url, a.accessToken!);
    await late.sub(room);
    const list = await late.next('presence');
    expect(list.users[0]!.state).toEqual({ viewing: 'doc', cursor: { anchor: 1_234_567, head: 1_234_570 } });
    // A number that is not a room this socket joined is refused.
    pb.send({ t: 'c', r: 999_999, a: 1, h: 1 });
    expect(await pb.next('error')).toMatchObject({ code: 'not_found' });
    for (const p of [pa, pb, late]) p.close();
  });

  it('sends the current list to a socket as soon as it joins', async () => {
    const { a, b, room } = await pair();
    const pa = await openProbe(server.url, a.accessToken!);
    await pa.sub(room);
    pa.send({ t: 'presence', room, state: { viewing: 'backlog' } });
    await pa.next('presence', (f) => f.users.length === 1);
    const pb = await openProbe(server.url, b.accessToken!);
    await pb.sub(room);
    const list = await pb.next('presence');
    expect(list.users).toEqual([expect.objectContaining({ userId: a.userId, state: { viewing: 'backlog' } })]);
    pa.close();
    pb.close();
  });

  it('removes a user from the list when they unsubscribe', async () => {
    const { a, b, room } = await pair();
    const pa = await openProbe(server.url, a.accessToken!);
    const pb = await openProbe(server.url, b.accessToken!);
    await pa.sub(room);
    await pb.sub(room);
    pb.send({ t: 'presence', room, state: {} });
    await pa.next('presence', (f) => f.users.length === 1);
    pb.send({ t: 'unsub', room });
    await pa.next('presence', (f) => f.users.length === 0);
    pa.close();
    pb.close();
  });

  it('sends a socket that joined with diff the whole list once, then only who changed or left', async () => {
    const { a, b, room } = await pair();
    const pa = await openProbe(server.url, a.accessToken!);
    const pb = await openProbe(server.url, b.accessToken!);
    await pa.sub(room);
    pa.send({ t: 'presence', room, state: { viewing: 'board' } });
    await pa.next('presence', (f) => f.users.length === 1);
    await pb.sub(room, { diff: true });
    expect(await pb.next('presence')).toMatchObject({ users: [{ userId: a.userId, state: { viewing: 'board' } }] });

    pb.send({ t: 'presence', room, state: { viewing: 'backlog' } });
    pa.send({ t: 'presence', room, state: { viewing: 'task' } });
    // Ann (still on full lists) sees both; Ben gets diffs naming only who changed.
    await pa.next('presence', (f) => f.users.length === 2 && f.users.some((u) => u.state.viewing === 'task'));
    const diffs: { users: PresenceEntry[]; gone: string[] }[] = [];
    await until('ann viewing a task, as a diff', () => {
      for (const f of pb.frames.splice(0)) if (f.t === 'presence-diff') diffs.push(f);
      return diffs.some((d) => d.users.some((u) => u.userId === a.userId && u.state.viewing === 'task'));
    });
    for (const d of diffs) {
      expect(d.gone).toEqual([]);
      expect(d.users.length).toBeLessThanOrEqual(2);
    }
    expect(pb.frames.filter((f) => f.t === 'presence')).toEqual([]);

    pa.send({ t: 'unsub', room });
    const left = await pb.next('presence-diff', (f) => f.gone.length > 0);
    expect(left).toMatchObject({ t: 'presence-diff', room, users: [], gone: [a.userId] });
    pa.close();
    pb.close();
  });

  it('sends a big room its presence about once a second however often it changes, the last change included', async () => {
    const big = await startTestServer({ WS_MAX_SOCKETS_PER_USER: '400' });
    try {
      const owner = await big.user('crowd');
      const ws = await owner.workspaces.create({ name: 'Crowd' });
      const room = `workspace:${ws.id}`;
      // 200 sockets in the room (one account is enough: the window follows the room's sockets).
      const crowd = await Promise.all(Array.from({ length: 200 }, () => openProbe(big.url, owner.accessToken!)));
      for (const p of crowd) await p.sub(room, { diff: true });
      const watcher = crowd[0]!;
      watcher.frames.length = 0;
      // Ten changes, 50 ms apart: a small room would get ten frames.
      for (let i = 1; i <= 10; i++) {
        crowd[i]!.send({ t: 'presence', room, state: { viewing: `view ${i}` } });
        await new Promise((r) => setTimeout(r, 50));
      }
      await until('the last change', () =>
        watcher.frames.some((f) => f.t === 'presence-diff' && f.users.some((u) => u.state.viewing === 'view 10')),
      );
      const diffs = watcher.frames.filter((f) => f.t === 'presence-diff');
      expect(diffs.length).toBeGreaterThanOrEqual(1);
      expect(diffs.length).toBeLessThanOrEqual(3);
      for (const p of crowd) p.close();
    } finally {
      await big.close();
    }
  }, 60_000);

  it('never shows a viewer as typing', async () => {
    const { a, ws, room } = await pair();
    const viewer = await server.user('viewer');
    await addMember(a, ws.id, viewer, 'viewer');
    const pa = await openProbe(server.url, a.accessToken!);
    await pa.sub(room);
    const pv = await openProbe(server.url, viewer.accessToken!);
    await pv.sub(room);
    pv.send({ t: 'presence', room, state: { typing: true, viewing: 'board' } });
    const list = await pa.next('presence', (f) => f.users.length === 1);
    expect(list.users[0]!.state).toEqual({ typing: false, viewing: 'board' });
    pa.close();
    pv.close();
  });
});

describe('SDK realtime socket', () => {
  it('subscribes, receives events, and after the server drops it reconnects, re-subscribes and re-announces presence', async () => {
    const { a, b, ws, room } = await pair();
    const { socket, events, states } = await sdkSocket(b);
    expect(await socket.subscribe(room)).toBe('editor');
    socket.setPresence(room, { viewing: 'roadmap' });
    await a.workspaces.update(ws.id, { name: 'First' });
    await until('the first event', () => events.find((e) => e.type === 'workspace.updated'));

    const watcher = await openProbe(server.url, a.accessToken!);
    await watcher.sub(room);
    await watcher.next('presence', (f) => f.users.some((u) => u.userId === b.userId));
    for (const conn of server.app.get(SocketDirectory).ofUser(b.userId)) server.app.get(SocketDirectory).disconnect(conn, 1012, 'restart');
    await until('the reconnect', () => states.length === 4);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    // The dropped socket's presence went with it (the SDK can reconnect before anyone was told it
    // left): someone arriving now sees Bob only because the new socket announced him again.
    const newcomer = await openProbe(server.url, a.accessToken!);
    await newcomer.sub(room);
    await newcomer.next('presence', (f) => f.users.some((u: PresenceEntry) => u.userId === b.userId && u.state.viewing === 'roadmap'));
    newcomer.close();

    events.length = 0;
    await a.workspaces.update(ws.id, { name: 'Second' });
    const again = await until('an event after reconnecting', () => events.find((e) => e.type === 'workspace.updated'));
    expect(again.data).toEqual({ id: ws.id, name: 'Second' });
    socket.close();
    watcher.close();
  });

  it('joins a workspace room shallow and keeps it so after reconnecting: its own events, not those of tasks', async () => {
    const { a, b, ws, room } = await pair();
    const project = await a.tracking.projects.create(ws.id, { name: 'Quiet', key: 'QT' });
    const task = await a.tracking.tasks.create(project.id, { title: 'Not for the workspace room' });
    const { socket, events, states } = await sdkSocket(b);
    await socket.subscribe(room, { shallow: true });
    const roundTrip = async (name: string) => {
      await a.tracking.tasks.update(task.id, { title: `${name}, for the board only` });
      await a.workspaces.update(ws.id, { name });
      await until(`the workspace renamed ${name}`, () =>
        events.find((e) => e.type === 'workspace.updated' && (e.data as { name: string }).name === name),
      );
    };
    await roundTrip('Before');
    for (const conn of server.app.get(SocketDirectory).ofUser(b.userId)) server.app.get(SocketDirectory).disconnect(conn, 1012, 'restart');
    await until('the reconnect', () => states.length === 4);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    await socket.subscribe(room, { shallow: true }); // resolves once the re-subscription is confirmed
    await roundTrip('After');
    expect(events.map((e) => e.type).filter((t) => t.startsWith('task.'))).toEqual([]);
    socket.close();
  });

  it("moves cursors through the SDK and shows others' cursor moves in the room's presence list", async () => {
    const { a, b, room } = await pair();
    const sa = a.realtime();
    const sb = b.realtime();
    await Promise.all([sa.connect(), sb.connect()]);
    await sa.subscribe(room);
    await sb.subscribe(room);
    let seen: PresenceEntry[] = [];
    sb.on('presence', (r, users) => {
      if (r === room) seen = users;
    });
    sa.setPresence(room, { viewing: 'spec' });
    await until('ann in the list', () => seen.some((u) => u.userId === a.userId));
    sa.setCursor(room, 5, 9);
    await until("ann's cursor", () => seen.find((u) => u.userId === a.userId && u.state.cursor?.head === 9));
    expect(seen.find((u) => u.userId === a.userId)!.state).toEqual({ viewing: 'spec', cursor: { anchor: 5, head: 9 } });
    sa.close();
    sb.close();
  });

  it("keeps the room's list through diffs: people joining, changing and leaving, in place", async () => {
    const { a, b, ws, room } = await pair();
    const c = await server.user('cat');
    await addMember(a, ws.id, c, 'viewer');
    const [sa, sb, sc] = [a.realtime(), b.realtime(), c.realtime()];
    await Promise.all([sa.connect(), sb.connect(), sc.connect()]);
    let seen: PresenceEntry[] = [];
    sa.on('presence', (r, users) => {
      if (r === room) seen = users;
    });
    await sa.subscribe(room);
    sa.setPresence(room, { viewing: 'board' });
    await sb.subscribe(room);
    sb.setPresence(room, { viewing: 'backlog' });
    await sc.subscribe(room);
    sc.setPresence(room, { viewing: 'docs' });
    await until('three people', () => seen.length === 3);
    const order = seen.map((u) => u.userId);
    sb.setPresence(room, { viewing: 'settings' });
    await until('ben in settings', () => seen.find((u) => u.userId === b.userId)?.state.viewing === 'settings');
    expect(seen.map((u) => u.userId)).toEqual(order);
    sc.close();
    await until('cat gone', () => seen.length === 2);
    expect(seen.map((u) => [u.userId, u.state.viewing])).toEqual(
      order.filter((id) => id !== c.userId).map((id) => [id, id === a.userId ? 'board' : 'settings']),
    );
    sa.close();
    sb.close();
  });

  it('rejects a subscription the server refuses', async () => {
    const outsider = await server.user('out');
    const { ws } = await pair();
    const socket = outsider.realtime();
    await socket.connect();
    await expect(socket.subscribe(`workspace:${ws.id}`)).rejects.toMatchObject({ code: 'not_found' });
    expect(socket.subscribedRooms).toEqual([]);
    socket.close();
  });

  it('delivers notifications and reports "closed" once the login is over', async () => {
    const owner = await server.user('boss');
    const u = await server.user('newbie');
    const ws = await owner.workspaces.create({ name: 'Hiring' });
    const socket = u.realtime({ minBackoffMs: 20, maxBackoffMs: 100 });
    const notes: unknown[] = [];
    socket.on('notification', (n) => notes.push(n));
    await socket.connect();
    await socket.subscribe(`user:${u.userId}`);
    await addMember(owner, ws.id, u, 'editor');
    await until('a notification', () => notes.length > 0);
    expect(notes[0]).toMatchObject({ type: 'added_to_workspace', workspaceId: ws.id });
    await u.auth.logout();
    await until('the socket to give up', () => socket.state === 'closed');
  });
});
