// Project, task and document rooms, authorized by the same policy as REST. Their REST modules live
// elsewhere, so the rows are written straight to the database here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRegistry } from '../../apps/server/src/core/auth/sessions.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openProbe } from './socket-probe.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

let keys = 0;
async function seed() {
  const owner = await server.user('owner');
  const member = await server.user('member');
  const guest = await server.user('guest');
  const ws = await owner.workspaces.create({ name: 'Rooms' });
  await addMember(owner, ws.id, member, 'editor');
  const prisma = server.db.prisma;
  const project = await prisma.project.create({ data: { workspaceId: ws.id, key: `P${++keys}`, name: 'Project' } });
  const status = await prisma.status.create({ data: { projectId: project.id, name: 'Todo', category: 'todo', position: 0 } });
  const task = await prisma.task.create({
    data: { projectId: project.id, number: 1, title: 'Task', statusId: status.id, reporterId: owner.userId, rank: 'a' },
  });
  const doc = await prisma.document.create({ data: { workspaceId: ws.id, title: 'Doc', rank: 'a', createdById: owner.userId } });
  const other = await prisma.document.create({ data: { workspaceId: ws.id, title: 'Other', rank: 'b', createdById: owner.userId } });
  return { owner, member, guest, ws, project, task, doc, other, prisma };
}

describe('project, task and document rooms', () => {
  it('admits members to project, task and document rooms with their effective role', async () => {
    const { member, project, task, doc, prisma } = await seed();
    await prisma.projectMember.create({ data: { projectId: project.id, userId: member.userId, role: 'viewer' } });
    const p = await openProbe(server.url, member.accessToken!);
    expect(await p.sub(`project:${project.id}`)).toMatchObject({ t: 'subbed', role: 'viewer' });
    expect(await p.sub(`task:${task.id}`)).toMatchObject({ t: 'subbed', role: 'viewer' });
    expect(await p.sub(`document:${doc.id}`)).toMatchObject({ t: 'subbed', role: 'editor' });
    p.close();
  });

  it('refuses every room of a workspace to a non-member with not_found', async () => {
    const { guest, project, task, doc } = await seed();
    const p = await openProbe(server.url, guest.accessToken!);
    for (const room of [`project:${project.id}`, `task:${task.id}`, `document:${doc.id}`]) {
      expect(await p.sub(room)).toMatchObject({ t: 'error', code: 'not_found', ref: room });
    }
    p.close();
  });

  it('admits a user a document is shared with to that document only', async () => {
    const { guest, ws, doc, other, prisma } = await seed();
    await prisma.documentShare.create({ data: { documentId: doc.id, userId: guest.userId, role: 'viewer' } });
    const p = await openProbe(server.url, guest.accessToken!);
    expect(await p.sub(`document:${doc.id}`)).toMatchObject({ t: 'subbed', role: 'viewer' });
    expect(await p.sub(`document:${other.id}`)).toMatchObject({ t: 'error', code: 'not_found' });
    expect(await p.sub(`workspace:${ws.id}`)).toMatchObject({ t: 'error', code: 'not_found' });
    p.close();
  });

  it('takes a revoked share away at once: the room is left, and a socket left with nothing closes with 4403', async () => {
    const { guest, ws, doc, other, prisma } = await seed();
    await prisma.documentShare.createMany({
      data: [
        { documentId: doc.id, userId: guest.userId, role: 'viewer' },
        { documentId: other.id, userId: guest.userId, role: 'viewer' },
      ],
    });
    const both = await openProbe(server.url, guest.accessToken!);
    await both.sub(`document:${doc.id}`);
    await both.sub(`document:${other.id}`);
    const single = await openProbe(server.url, guest.accessToken!);
    await single.sub(`document:${doc.id}`);

    await prisma.documentShare.delete({ where: { documentId_userId: { documentId: doc.id, userId: guest.userId } } });
    await server.app.get(SessionRegistry).announce({ kind: 'access.changed', userId: guest.userId, workspaceId: ws.id });

    expect(await both.next('error')).toMatchObject({ code: 'not_found', ref: `document:${doc.id}` });
    both.send({ t: 'ping' });
    await both.next('pong');
    expect(both.closed).toBeNull();
    expect((await single.waitClosed()).code).toBe(4403);
    both.close();
  });
});
