import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openProbe, upgradeStatus } from './socket-probe.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function team() {
  const owner = await server.user('owner');
  const member = await server.user('member');
  const outsider = await server.user('outsider');
  const ws = await owner.workspaces.create({ name: 'Team' });
  await addMember(owner, ws.id, member, 'editor');
  return { owner, member, outsider, ws };
}

describe('/ws authentication', () => {
  it('refuses an upgrade without a token, or with a bad one, with HTTP 401', async () => {
    expect(await upgradeStatus(server.url, '')).toBe(401);
    expect(await upgradeStatus(server.url, 'not-a-token')).toBe(401);
  });

  it('accepts an access token, and a socket ticket exactly once', async () => {
    const u = await server.user('ticket');
    expect(await upgradeStatus(server.url, u.accessToken!)).toBe(101);
    const { ticket } = await u.auth.wsTicket();
    expect(await upgradeStatus(server.url, ticket)).toBe(101);
    expect(await upgradeStatus(server.url, ticket)).toBe(401);
  });

  it('refuses a token of a logged-out session', async () => {
    const u = await server.user('gone');
    const token = u.accessToken!;
    await u.auth.logout();
    expect(await upgradeStatus(server.url, token)).toBe(401);
  });
});

describe('/ws rooms', () => {
  it('lets members join their workspace room with their role and answers not_found to others', async () => {
    const { member, outsider, ws } = await team();
    const m = await openProbe(server.url, member.accessToken!);
    expect(await m.sub(`workspace:${ws.id}`)).toEqual({ t: 'subbed', room: `workspace:${ws.id}`, role: 'editor', n: expect.any(Number) });
    const o = await openProbe(server.url, outsider.accessToken!);
    expect(await o.sub(`workspace:${ws.id}`)).toMatchObject({ t: 'error', code: 'not_found', ref: `workspace:${ws.id}` });
    m.close();
    o.close();
  });

  it('admits a user to their own user room only, and refuses rooms of things that do not exist', async () => {
    const a = await server.user('self');
    const b = await server.user('other');
    const p = await openProbe(server.url, a.accessToken!);
    expect(await p.sub(`user:${a.userId}`)).toMatchObject({ t: 'subbed' });
    expect(await p.sub(`user:${b.userId}`)).toMatchObject({ t: 'error', code: 'not_found' });
    expect(await p.sub('task:00000000-0000-4000-8000-000000000000')).toMatchObject({ t: 'error', code: 'not_found' });
    expect(await p.sub('document:00000000-0000-4000-8000-000000000000')).toMatchObject({ t: 'error', code: 'not_found' });
    p.close();
  });

  it('delivers a workspace change to every socket in the workspace room, and not to sockets elsewhere', async () => {
    const { owner, member, ws } = await team();
    const other = await member.workspaces.create({ name: 'Elsewhere' });
    const inRoom = await openProbe(server.url, member.accessToken!);
    await inRoom.sub(`workspace:${ws.id}`);
    const elsewhere = await openProbe(server.url, member.accessToken!);
    await elsewhere.sub(`workspace:${other.id}`);
    await owner.workspaces.update(ws.id, { name: 'Renamed' });
    const event = await inRoom.next('event');
    expect(event).toEqual({ t: 'event', room: `workspace:${ws.id}`, type: 'workspace.updated', data: { id: ws.id, name: 'Renamed' } });
    await elsewhere.send({ t: 'ping' });
    await elsewhere.next('pong');
    expect(elsewhere.frames.filter((f) => f.t === 'event')).toEqual([]);
    inRoom.close();
    elsewhere.close();
  });

  it('stops delivering after unsub', async () => {
    const { owner, member, ws } = await team();
    const room = `workspace:${ws.id}`;
    const witness = await openProbe(server.url, owner.accessToken!);
    await witness.sub(room);
    const p = await openProbe(server.url, member.accessToken!);
    await p.sub(room);
    p.send({ t: 'unsub', room });
    p.send({ t: 'ping' });
    await p.next('pong');
    await owner.workspaces.update(ws.id, { name: 'Quiet' });
    await witness.next('event', (e) => e.type === 'workspace.updated');
    p.send({ t: 'ping' });
    await p.next('pong');
    expect(p.frames.filter((f) => f.t === 'event')).toEqual([]);
    p.close();
    witness.close();
  });

  it('tells an invited account in its own room, and announces the membership there once it accepts', async () => {
    const owner = await server.user('inviter');
    const invitee = await server.user('invitee');
    const ws = await owner.workspaces.create({ name: 'Invites' });
    const p = await openProbe(server.url, invitee.accessToken!);
    await p.sub(`user:${invitee.userId}`);
    const invitation = await owner.workspaces.addMember(ws.id, { email: invitee.email, role: 'viewer' });
    const received = await p.next('event', (e) => e.type === 'invitation.received');
    expect(received).toMatchObject({
      room: `user:${invitee.userId}`,
      data: { invitationId: invitation.id, workspaceName: 'Invites', role: 'viewer' },
    });
    // Not a member until they say yes.
    expect((await owner.workspaces.members(ws.id)).items.map((m) => m.userId)).not.toContain(invitee.userId);
    await invitee.invitations.accept(invitation.token);
    const changed = await p.next('event', (e) => e.type === 'member.changed');
    expect(changed).toMatchObject({
      room: `user:${invitee.userId}`,
      data: { change: 'added', workspaceId: ws.id, member: { userId: invitee.userId, role: 'viewer' } },
    });
    p.close();
  });

  it('puts a socket in its own room as it opens: what happens before its sub arrives still reaches it', async () => {
    const { owner, member, ws } = await team();
    const project = await owner.tracking.projects.create(ws.id, { name: 'Ops', key: 'OPS' });
    const p = await openProbe(server.url, member.accessToken!);
    const task = await owner.tracking.tasks.create(project.id, { title: 'Rotate the keys', assigneeId: member.userId });
    expect(await p.next('notification')).toMatchObject({ data: { type: 'assigned', taskId: task.id } });
    // A sub to it is answered as usual.
    expect(await p.sub(`user:${member.userId}`)).toEqual({ t: 'subbed', room: `user:${member.userId}` });
    p.close();
  });
});

describe('/ws revocation', () => {
  it('tells members a workspace was deleted, then takes their sockets out of its rooms without closing them', async () => {
    const { owner, member, ws } = await team();
    const room = `workspace:${ws.id}`;
    const p = await openProbe(server.url, member.accessToken!);
    await p.sub(room);
    await owner.workspaces.remove(ws.id);
    expect(await p.next('event')).toEqual({ t: 'event', room, type: 'workspace.deleted', data: { id: ws.id } });
    expect(await p.next('error')).toMatchObject({ code: 'not_found', ref: room });
    p.send({ t: 'ping' });
    await p.next('pong');
    expect(await p.sub(room)).toMatchObject({ t: 'error', code: 'not_found' });
    p.close();
  });

  it('closes the socket of a removed member (4403) and stops their events', async () => {
    const { owner, member, ws } = await team();
    const p = await openProbe(server.url, member.accessToken!);
    await p.sub(`workspace:${ws.id}`);
    await owner.workspaces.removeMember(ws.id, member.userId);
    expect((await p.waitClosed()).code).toBe(4403);
    expect(p.frames).toContainEqual(expect.objectContaining({ t: 'error', code: 'not_found', ref: `workspace:${ws.id}` }));
  });

  it('keeps a demoted member subscribed with the weaker role, and no longer shows them typing', async () => {
    const { owner, member, ws } = await team();
    const room = `workspace:${ws.id}`;
    const watcher = await openProbe(server.url, owner.accessToken!);
    await watcher.sub(room);
    const p = await openProbe(server.url, member.accessToken!);
    await p.sub(room);
    p.send({ t: 'presence', room, state: { typing: true } });
    await watcher.next('presence', (f) => f.users.some((u) => u.userId === member.userId && u.state.typing === true));
    await owner.workspaces.updateMember(ws.id, member.userId, { role: 'viewer' });
    await watcher.next('presence', (f) => f.users.some((u) => u.userId === member.userId && u.state.typing === false));
    p.send({ t: 'sub', room });
    expect(await p.next('subbed')).toMatchObject({ room, role: 'viewer' });
    expect(p.closed).toBeNull();
    p.close();
    watcher.close();
  });

  it('closes every socket of a logged-out session with 4401, and leaves other sessions open', async () => {
    const u = await server.user('logout');
    const second = server.client();
    await second.auth.login({ email: u.email, password: 'correct horse battery' });
    const a = await openProbe(server.url, u.accessToken!);
    const b = await openProbe(server.url, u.accessToken!);
    const other = await openProbe(server.url, second.accessToken!);
    await u.auth.logout();
    expect((await a.waitClosed()).code).toBe(4401);
    expect((await b.waitClosed()).code).toBe(4401);
    other.send({ t: 'ping' });
    await other.next('pong');
    expect(other.closed).toBeNull();
    other.close();
  });

  it('closes the sockets of other sessions when the password changes', async () => {
    const u = await server.user('pw');
    const other = server.client();
    await other.auth.login({ email: u.email, password: 'correct horse battery' });
    const p = await openProbe(server.url, other.accessToken!);
    await u.auth.changePassword('correct horse battery', 'a brand new password');
    expect((await p.waitClosed()).code).toBe(4401);
  });
});
