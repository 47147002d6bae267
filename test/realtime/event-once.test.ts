// One event, one frame per socket: a socket in several rooms an event belongs to (the workspace and
// the project, say) receives it once, whichever node the change was made on.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openProbe, type Probe } from './socket-probe.js';

let nodeA: TestServer;
let nodeB: TestServer;

beforeAll(async () => {
  const env = { REDIS_URL: inject('redisUrl'), REDIS_CHANNEL_PREFIX: `t${randomBytes(6).toString('hex')}:` };
  nodeA = await startTestServer(env);
  nodeB = await startTestServer(env, nodeA.databaseUrl);
});

afterAll(async () => {
  await nodeB?.close();
  await nodeA?.close();
});

/** Waits for the socket to have seen one `task.updated` for `taskId`, then for a pong sent after it:
 * anything the server sent for the same event was written before that pong. */
async function framesFor(probe: Probe, taskId: string) {
  const first = await probe.next('event', (f) => f.type === 'task.updated' && (f.data as { id?: string }).id === taskId);
  probe.send({ t: 'ping' });
  await probe.next('pong');
  const rest = probe.frames.filter((f) => f.t === 'event' && f.type === 'task.updated' && (f.data as { id?: string }).id === taskId);
  return [first, ...rest];
}

async function boardIn(node: TestServer, memberNode: TestServer) {
  const owner = await node.user('owner');
  const member = await memberNode.user('member');
  const ws = await owner.workspaces.create({ name: 'Twice' });
  await addMember(owner, ws.id, member, 'editor');
  const project = await owner.tracking.projects.create(ws.id, { name: 'Board', key: `B${randomBytes(2).toString('hex').toUpperCase()}` });
  const task = await owner.tracking.tasks.create(project.id, { title: 'Once only' });
  return { owner, member, ws, project, task };
}

describe('one frame per event per socket', () => {
  it('sends a task update once to a socket in both the workspace and the project room, named by the project room', async () => {
    const { owner, member, ws, project, task } = await boardIn(nodeA, nodeA);
    const probe = await openProbe(nodeA.url, member.accessToken!);
    expect(await probe.sub(`workspace:${ws.id}`)).toMatchObject({ t: 'subbed' });
    expect(await probe.sub(`project:${project.id}`)).toMatchObject({ t: 'subbed' });

    await owner.tracking.tasks.update(task.id, { title: 'Renamed once' });

    const frames = await framesFor(probe, task.id);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ t: 'event', room: `project:${project.id}`, type: 'task.updated' });
    probe.close();
  });

  it('sends it once to such a socket on another node, the event having crossed Redis', async () => {
    const { owner, member, ws, project, task } = await boardIn(nodeA, nodeB);
    const probe = await openProbe(nodeB.url, member.accessToken!);
    await probe.sub(`workspace:${ws.id}`);
    await probe.sub(`project:${project.id}`);
    await probe.sub(`task:${task.id}`);

    await owner.tracking.tasks.update(task.id, { title: 'Renamed on A' });

    const frames = await framesFor(probe, task.id);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ room: `task:${task.id}` });
    probe.close();
  });

  it('still sends the event to each socket of the room, one socket per room or several', async () => {
    const { owner, member, ws, project, task } = await boardIn(nodeA, nodeA);
    const both = await openProbe(nodeA.url, member.accessToken!);
    await both.sub(`workspace:${ws.id}`);
    await both.sub(`project:${project.id}`);
    const workspaceOnly = await openProbe(nodeA.url, member.accessToken!);
    await workspaceOnly.sub(`workspace:${ws.id}`);

    await owner.tracking.tasks.update(task.id, { title: 'Seen by both sockets' });

    expect(await framesFor(both, task.id)).toHaveLength(1);
    const frames = await framesFor(workspaceOnly, task.id);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ room: `workspace:${ws.id}` });
    both.close();
    workspaceOnly.close();
  });

  it('sends no events of single tasks to a socket that joined the workspace room shallow, on either node', async () => {
    const { owner, member, ws, project, task } = await boardIn(nodeA, nodeB);
    const shallow = await openProbe(nodeB.url, member.accessToken!);
    expect(await shallow.sub(`workspace:${ws.id}`, { shallow: true })).toMatchObject({ t: 'subbed', shallow: true });
    const board = await openProbe(nodeB.url, member.accessToken!);
    await board.sub(`project:${project.id}`);

    await owner.tracking.tasks.update(task.id, { title: 'Only for the board' });
    await owner.tracking.comments.create(task.id, { body: 'Nor this' });
    await owner.tracking.checklist.add(task.id, { text: 'Nor this' });
    await owner.tracking.projects.update(project.id, { name: 'Renamed board' });
    await owner.workspaces.update(ws.id, { name: 'Renamed team' });

    // The board's socket has every one of them; the shallow one only the project's and the workspace's.
    await board.next('event', (f) => f.type === 'checklist.updated');
    await shallow.next('event', (f) => f.type === 'workspace.updated');
    const got = shallow.frames.filter((f) => f.t === 'event').map((f) => (f as { type: string }).type);
    expect(got).toEqual(['project.updated']);

    // Joining again without `shallow` brings the tasks' events back.
    expect(await shallow.sub(`workspace:${ws.id}`)).not.toHaveProperty('shallow');
    await owner.tracking.tasks.update(task.id, { title: 'Seen again' });
    expect(await framesFor(shallow, task.id)).toHaveLength(1);
    shallow.close();
    board.close();
  });

  it('refuses a sub frame whose shallow is not a boolean', async () => {
    const { member, ws } = await boardIn(nodeA, nodeA);
    const probe = await openProbe(nodeA.url, member.accessToken!);
    probe.send({ t: 'sub', room: `workspace:${ws.id}`, shallow: 'yes' } as never);
    expect(await probe.next('error')).toMatchObject({ code: 'validation_failed' });
    expect(probe.frames.filter((f) => f.t === 'subbed')).toEqual([]);
    probe.close();
  });
});
