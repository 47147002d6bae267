// A create that committed but whose answer was lost is retried by the client with the same
// Idempotency-Key: the retry gets the first answer back, and nothing is created twice. Keys are
// per user, bound to the request they came with, and freed when the first attempt was refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let other: Awaited<ReturnType<TestServer['user']>>;
let workspaceId: string;
let projectId: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.user('idem-owner');
  other = await server.user('idem-other');
  workspaceId = (await owner.workspaces.create({ name: 'Idempotency' })).id;
  projectId = (await owner.tracking.projects.create(workspaceId, { name: 'Idem', key: 'IDM' })).id;
});
afterAll(async () => {
  await server?.close();
});

/** The parts of a create's answer (or its error) these tests read. */
interface Answer {
  id: string;
  key?: string;
  error: { code: string; message: string };
}

async function post(token: string, path: string, body: unknown, key?: string) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as Answer };
}

const titles = async (title: string) =>
  (await owner.tracking.tasks.list(projectId, { limit: 200 })).items.filter((t) => t.title === title).length;

describe('Idempotency-Key on creates', () => {
  it('answers a retry with the first answer and creates the task once', async () => {
    const key = crypto.randomUUID();
    const first = await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'Once only' }, key);
    const again = await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'Once only' }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.replayed).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.key).toBe(first.body.key);
    expect(await titles('Once only')).toBe(1);
  });

  it('creates once when the same create arrives several times at the same moment', async () => {
    const key = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'Raced' }, key)),
    );
    const created = answers.filter((a) => a.status === 201);
    // Each either got the one task or was told the first is still being processed.
    for (const a of answers) expect([201, 409]).toContain(a.status);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    expect(await titles('Raced')).toBe(1);
  });

  it('works the same for comments, checklist items, documents and labels', async () => {
    const task = await owner.tracking.tasks.create(projectId, { title: 'Host' });
    const cases: [string, unknown][] = [
      [`/tasks/${task.id}/comments`, { body: 'Said once' }],
      [`/tasks/${task.id}/checklist`, { text: 'Done once' }],
      [`/workspaces/${workspaceId}/documents`, { title: 'Written once' }],
      [`/workspaces/${workspaceId}/labels`, { name: 'once' }],
    ];
    for (const [path, body] of cases) {
      const key = crypto.randomUUID();
      const first = await post(owner.accessToken!, path, body, key);
      const again = await post(owner.accessToken!, path, body, key);
      expect(first.status, path).toBe(201);
      expect(again.body.id, path).toBe(first.body.id);
    }
    expect((await owner.tracking.comments.list(task.id)).items).toHaveLength(1);
    expect((await owner.tracking.checklist.list(task.id)).items).toHaveLength(1);
    expect((await owner.documents.list(workspaceId)).items.filter((d) => d.title === 'Written once')).toHaveLength(1);
    expect((await owner.tracking.labels.list(workspaceId)).items.filter((l) => l.name === 'once')).toHaveLength(1);
  });

  it('refuses the same key with a different request, and a malformed key, with a clear error', async () => {
    const key = crypto.randomUUID();
    await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'First use' }, key);
    const reused = await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'Second use' }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.message).toMatch(/different request/);
    expect(await titles('Second use')).toBe(0);
    for (const bad of ['has space', 'x'.repeat(256)]) {
      const res = await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'Bad key' }, bad);
      expect(res.status, bad).toBe(400);
    }
    expect(await titles('Bad key')).toBe(0);
  });

  it('frees the key when the first attempt was refused, so the corrected retry goes through', async () => {
    const key = crypto.randomUUID();
    const refused = await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: '' }, key);
    expect(refused.status).toBe(400);
    const fixed = await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'Corrected' }, key);
    expect(fixed.status).toBe(201);
    expect(await titles('Corrected')).toBe(1);
  });

  it("keeps keys per user: another user's key never returns someone else's answer", async () => {
    const key = crypto.randomUUID();
    const mine = await post(owner.accessToken!, `/projects/${projectId}/tasks`, { title: 'Mine' }, key);
    expect(mine.status).toBe(201);
    // The other user is no member: the same key gets them the 404 their request deserves.
    const theirs = await post(other.accessToken!, `/projects/${projectId}/tasks`, { title: 'Mine' }, key);
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain(mine.body.id);
  });

  it('sends the key from the SDK', async () => {
    const key = crypto.randomUUID();
    const a = await owner.tracking.tasks.create(projectId, { title: 'From the SDK' }, { idempotencyKey: key });
    const b = await owner.tracking.tasks.create(projectId, { title: 'From the SDK' }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(await titles('From the SDK')).toBe(1);
  });
});
