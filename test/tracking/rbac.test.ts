import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { outcome, type Team, team } from './fixtures.js';

let server: TestServer;
let t: Team;
beforeAll(async () => {
  server = await startTestServer();
  t = await team(server);
});
afterAll(() => server?.close());

// The role × route matrix for every route is test/api/rbac-matrix.test.ts; these are the tracking specifics.
describe('tracking access', () => {
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
    const task = await t.owner.tracking.tasks.create(t.project.id, { title: 'target' });
    // Thunks: each pair runs only when its turn comes, so no rejection is left unhandled.
    const pairs: [() => Promise<unknown>, () => Promise<unknown>][] = [
      [
        () => t.outsider.tracking.statuses.update(status.id, { name: 'x' }),
        () => t.outsider.tracking.statuses.update(missing, { name: 'x' }),
      ],
      [() => t.outsider.tracking.sprints.get(sprint.id), () => t.outsider.tracking.sprints.get(missing)],
      [() => t.outsider.tracking.tasks.get(task.id), () => t.outsider.tracking.tasks.get(missing)],
    ];
    for (const [hidden, absent] of pairs) {
      const [a, b] = await Promise.all([hidden().catch((e) => e), absent().catch((e) => e)]);
      expect([a.status, a.code, a.message]).toEqual([b.status, b.code, b.message]);
    }
  });

  it('lets anyone signed in read only their own inbox, and nobody anonymous', async () => {
    expect(await outcome(t.outsider.tracking.notifications.list())).toBe(200);
    expect(await outcome(server.client().tracking.notifications.list())).toBe(401);
  });
});
