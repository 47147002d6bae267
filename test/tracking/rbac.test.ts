import type { TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { nextKey, outcome, type Team, team } from './fixtures.js';

let server: TestServer;
let t: Team;
beforeAll(async () => {
  server = await startTestServer();
  t = await team(server);
});
afterAll(() => server?.close());

type Who = 'owner' | 'editor' | 'viewer' | 'outsider' | 'anonymous';
const WHO: Who[] = ['owner', 'editor', 'viewer', 'outsider', 'anonymous'];
const needs = {
  viewer: { owner: 200, editor: 200, viewer: 200, outsider: 404, anonymous: 401 },
  editor: { owner: 200, editor: 200, viewer: 403, outsider: 404, anonymous: 401 },
  owner: { owner: 200, editor: 403, viewer: 403, outsider: 404, anonymous: 401 },
} as const;

/** Each operation sets up a fresh target as the owner, then runs as the caller. */
const operations: [string, keyof typeof needs, (c: TandemClient) => Promise<unknown>][] = [
  ['GET /projects/:id', 'viewer', (c) => c.tracking.projects.get(t.project.id)],
  ['GET /projects/:id/members', 'viewer', (c) => c.tracking.projects.members(t.project.id)],
  ['GET /projects/:id/statuses', 'viewer', (c) => c.tracking.statuses.list(t.project.id)],
  ['GET /projects/:id/tasks', 'viewer', (c) => c.tracking.tasks.list(t.project.id)],
  ['GET /projects/:id/sprints', 'viewer', (c) => c.tracking.sprints.list(t.project.id)],
  ['GET /projects/:id/activity', 'viewer', (c) => c.tracking.projects.activity(t.project.id)],
  ['GET /workspaces/:id/labels', 'viewer', (c) => c.tracking.labels.list(t.workspaceId)],
  ['GET /tasks/:id', 'viewer', async (c) => c.tracking.tasks.get((await task()).id)],
  ['GET /tasks/:id/comments', 'viewer', async (c) => c.tracking.comments.list((await task()).id)],
  ['GET /tasks/:id/checklist', 'viewer', async (c) => c.tracking.checklist.list((await task()).id)],
  ['GET /tasks/:id/activity', 'viewer', async (c) => c.tracking.tasks.activity((await task()).id)],
  ['PUT /tasks/:id/watch', 'viewer', async (c) => c.tracking.tasks.watch((await task()).id)],
  ['POST /projects/:id/tasks', 'editor', (c) => c.tracking.tasks.create(t.project.id, { title: 'rbac' })],
  ['PATCH /tasks/:id', 'editor', async (c) => c.tracking.tasks.update((await task()).id, { title: 'changed' })],
  ['POST /tasks/:id/move', 'editor', async (c) => c.tracking.tasks.move((await task()).id, { status: t.statuses[1]!.id })],
  ['DELETE /tasks/:id', 'editor', async (c) => c.tracking.tasks.remove((await task()).id)],
  ['POST /tasks/:id/comments', 'editor', async (c) => c.tracking.comments.create((await task()).id, { body: 'hi' })],
  ['POST /tasks/:id/checklist', 'editor', async (c) => c.tracking.checklist.add((await task()).id, { text: 'item' })],
  [
    'PATCH /checklist/:id',
    'editor',
    async (c) => c.tracking.checklist.update((await t.owner.tracking.checklist.add((await task()).id, { text: 'i' })).id, { done: true }),
  ],
  ['POST /projects/:id/sprints', 'editor', (c) => c.tracking.sprints.create(t.project.id, { name: 'rbac' })],
  ['POST /workspaces/:id/labels', 'editor', (c) => c.tracking.labels.create(t.workspaceId, { name: `l-${Math.random()}` })],
  [
    'DELETE /comments/:id (not the author)',
    'owner',
    async (c) => c.tracking.comments.remove((await t.owner.tracking.comments.create((await task()).id, { body: 'x' })).id),
  ],
  ['POST /workspaces/:id/projects', 'owner', (c) => c.tracking.projects.create(t.workspaceId, { name: 'rbac', key: nextKey('RB') })],
  ['PATCH /projects/:id', 'owner', (c) => c.tracking.projects.update(t.project.id, { description: 'changed' })],
  ['DELETE /projects/:id', 'owner', async (c) => c.tracking.projects.remove((await project()).id)],
  [
    'POST /projects/:id/statuses',
    'owner',
    (c) => c.tracking.statuses.create(t.project.id, { name: `s-${Math.random()}`, category: 'todo' }),
  ],
  ['PUT /projects/:id/members/:userId', 'owner', (c) => c.tracking.projects.setMember(t.project.id, t.viewer.userId, { role: 'viewer' })],
];

const task = () => t.owner.tracking.tasks.create(t.project.id, { title: 'target' });
const project = () => t.owner.tracking.projects.create(t.workspaceId, { name: 'target', key: nextKey('TG') });

const caller = (who: Who): TandemClient => (who === 'anonymous' ? server.client() : t[who]);

describe('every tracking route goes through the permission policy', () => {
  for (const [name, role, run] of operations) {
    it(`${name} needs ${role}: owner/editor/viewer/outsider/anonymous`, async () => {
      const got: Record<string, number> = {};
      for (const who of WHO) got[who] = await outcome(run(caller(who)));
      expect(got).toEqual(needs[role]);
    });
  }

  it('answers 404 for ids that do not exist or are not ids, the same as for hidden ones', async () => {
    for (const id of ['00000000-0000-7000-8000-000000000000', 'not-an-id']) {
      expect(await outcome(t.owner.tracking.tasks.get(id))).toBe(404);
      expect(await outcome(t.owner.tracking.projects.get(id))).toBe(404);
      expect(await outcome(t.owner.tracking.comments.update(id, { body: 'x' }))).toBe(404);
      expect(await outcome(t.owner.tracking.sprints.start(id))).toBe(404);
      expect(await outcome(t.owner.tracking.statuses.update(id, { name: 'x' }))).toBe(404);
      expect(await outcome(t.owner.tracking.labels.update(id, { name: 'x' }))).toBe(404);
      expect(await outcome(t.owner.tracking.notifications.read(id))).toBe(404);
    }
  });

  it('answers hidden things exactly like missing ones', async () => {
    const status = t.statuses[0]!;
    const sprint = await t.owner.tracking.sprints.create(t.project.id, { name: 'hidden' });
    const missing = '00000000-0000-7000-8000-000000000000';
    for (const [hidden, absent] of [
      [t.outsider.tracking.statuses.update(status.id, { name: 'x' }), t.outsider.tracking.statuses.update(missing, { name: 'x' })],
      [t.outsider.tracking.sprints.get(sprint.id), t.outsider.tracking.sprints.get(missing)],
      [t.outsider.tracking.tasks.get((await task()).id), t.outsider.tracking.tasks.get(missing)],
    ] as const) {
      const [a, b] = await Promise.all([hidden.catch((e) => e), absent.catch((e) => e)]);
      expect([a.status, a.code, a.message]).toEqual([b.status, b.code, b.message]);
    }
  });

  it('lets anyone signed in read only their own inbox, and nobody anonymous', async () => {
    expect(await outcome(t.outsider.tracking.notifications.list())).toBe(200);
    expect(await outcome(server.client().tracking.notifications.list())).toBe(401);
  });
});
