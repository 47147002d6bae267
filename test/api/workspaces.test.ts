import { ApiError } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const fail = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: ApiError) => e,
  );

describe('workspaces and members', () => {
  it('makes the creator the owner and lists only my workspaces with my role', async () => {
    const ann = await server.user('ann');
    const bob = await server.user('bob');
    const ws = await ann.workspaces.create({ name: '  Acme  ' });
    expect(ws).toMatchObject({ name: 'Acme', role: 'owner' });
    await addMember(ann, ws.id, bob, 'editor');
    expect((await bob.workspaces.list()).items.map((w) => [w.id, w.role])).toEqual([[ws.id, 'editor']]);
    expect((await ann.workspaces.list()).items).toHaveLength(1);
  });

  it('invites existing accounts by email (any case), refuses unknown emails and members', async () => {
    const ann = await server.user('ann');
    const bob = await server.user('bob');
    const ws = await ann.workspaces.create({ name: 'Team' });
    const invitation = await ann.workspaces.addMember(ws.id, { email: bob.email.toUpperCase(), role: 'viewer' });
    expect(invitation).toMatchObject({ email: bob.email, role: 'viewer', maxUses: 1, uses: 0 });
    expect(await bob.invitations.accept(invitation.token)).toEqual({ workspaceId: ws.id, role: 'viewer' });
    expect((await ann.workspaces.members(ws.id)).items).toContainEqual(
      expect.objectContaining({ userId: bob.userId, role: 'viewer', displayName: bob.displayName }),
    );
    expect((await fail(ann.workspaces.addMember(ws.id, { email: 'ghost@example.test', role: 'viewer' })))?.status).toBe(404);
    expect((await fail(ann.workspaces.addMember(ws.id, { email: bob.email, role: 'editor' })))?.status).toBe(409);
    const bad = await fail(ann.workspaces.addMember(ws.id, { email: bob.email, role: 'admin' as never }));
    expect(bad?.status).toBe(400);
    expect(bad?.details).toEqual([expect.objectContaining({ field: 'role' })]);
  });

  it('never leaves a workspace without an owner', async () => {
    const ann = await server.user('ann');
    const ws = await ann.workspaces.create({ name: 'Solo' });
    expect((await fail(ann.workspaces.updateMember(ws.id, ann.userId, { role: 'editor' })))?.status).toBe(409);
    expect((await fail(ann.workspaces.removeMember(ws.id, ann.userId)))?.status).toBe(409);
    const bob = await server.user('bob');
    await addMember(ann, ws.id, bob, 'owner');
    await ann.workspaces.removeMember(ws.id, ann.userId); // now allowed: bob owns it
    expect((await fail(ann.workspaces.get(ws.id)))?.status).toBe(404);
  });

  it('lets a member leave, and a removed member loses access at once (404, not 403)', async () => {
    const ann = await server.user('ann');
    const bob = await server.user('bob');
    const cid = await server.user('cid');
    const ws = await ann.workspaces.create({ name: 'Leaving' });
    await addMember(ann, ws.id, bob, 'viewer');
    await addMember(ann, ws.id, cid, 'editor');
    await bob.workspaces.removeMember(ws.id, bob.userId);
    expect((await fail(bob.workspaces.get(ws.id)))?.status).toBe(404);
    await ann.workspaces.removeMember(ws.id, cid.userId);
    expect((await fail(cid.workspaces.members(ws.id)))?.status).toBe(404);
  });

  it('answers ids that are not ids, and deleted workspaces, with 404', async () => {
    const ann = await server.user('ann');
    expect((await fail(ann.workspaces.get('not-an-id')))?.status).toBe(404);
    expect((await fail(ann.workspaces.get('01a2006c-f35d-7348-a671-5b3e8cc95597')))?.status).toBe(404);
    const ws = await ann.workspaces.create({ name: 'Gone' });
    await ann.workspaces.remove(ws.id);
    expect((await fail(ann.workspaces.get(ws.id)))?.status).toBe(404);
    expect((await ann.workspaces.list()).items.find((w) => w.id === ws.id)).toBeUndefined();
  });

  it('adds nobody without their consent: the invited account sees it pending, and only it can accept or decline', async () => {
    const ann = await server.user('ann');
    const bob = await server.user('bob');
    const eve = await server.user('eve');
    const ws = await ann.workspaces.create({ name: 'Consent' });
    const invitation = await ann.workspaces.addMember(ws.id, { email: bob.email, role: 'editor' });
    expect((await ann.workspaces.members(ws.id)).items.map((m) => m.userId)).toEqual([ann.userId]);
    expect((await fail(bob.workspaces.get(ws.id)))?.status).toBe(404);
    expect((await bob.invitations.pending()).items).toEqual([
      expect.objectContaining({
        id: invitation.id,
        workspaceId: ws.id,
        workspaceName: 'Consent',
        role: 'editor',
        inviterName: ann.displayName,
      }),
    ]);
    expect((await eve.invitations.pending()).items).toEqual([]);
    expect((await fail(eve.invitations.accept(invitation.token)))?.status).toBe(403);
    expect((await fail(eve.invitations.acceptPending(invitation.id)))?.status).toBe(404);
    await bob.invitations.decline(invitation.id);
    expect((await bob.invitations.pending()).items).toEqual([]);
    expect((await fail(bob.invitations.accept(invitation.token)))?.status).toBe(404);
    const again = await ann.workspaces.addMember(ws.id, { email: bob.email, role: 'viewer' });
    expect(await bob.invitations.acceptPending(again.id)).toEqual({ workspaceId: ws.id, role: 'viewer' });
    expect((await bob.workspaces.get(ws.id)).role).toBe('viewer');
  });
});
