// How many SQL statements (each one database round trip, sent one after another) a single request
// of the hottest task routes costs. Counts, not timings: a change that adds a query to one of
// these paths fails here and has to raise the bound on purpose. See test/support/query-counter.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../support/membership.js';
import { countQueries, type QueryCounter } from '../support/query-counter.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { team } from './fixtures.js';

let server: TestServer;
let counter: QueryCounter;
beforeAll(async () => {
  server = await startTestServer();
  counter = countQueries(server);
});
afterAll(async () => {
  counter?.stop();
  await server?.close();
});

/**
 * The most statements each request may send, with the session and access caches warm (as on any
 * node that has served the user before). Each is a round trip, one after the other.
 */
const BOUNDS = {
  'GET /tasks/:id': 1,
  'PATCH /tasks/:id (title)': 2,
  'POST /tasks/:id/move': 2,
  'POST /tasks/:id/comments': 2,
  'POST /tasks/:id/comments (Idempotency-Key)': 7,
  'PATCH /checklist/:id (done)': 2,
};

/** A comment on a task six others watch: its 2, who of them may read it, their notifications. */
const COMMENT_WATCHED_BOUND = 4;
/** The same mentioning someone who does not watch it: the members read for the mention, one more. */
const COMMENT_MENTION_BOUND = 5;

describe('statements per request', () => {
  it('stay within the bound of each task route, and the answers match what a read shows', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Counted' });
    const item = await t.editor.tracking.checklist.add(task.id, { text: 'Tick me' });
    const c = counter.clientAs(t.editor);
    await c.tracking.tasks.get(task.id);
    await c.tracking.tasks.list(t.project.id);

    const counts: Record<string, number> = {};
    const measure = async <T>(route: keyof typeof BOUNDS, call: () => Promise<T>): Promise<T> => {
      const answer = await call();
      const sql = counter.of(c.lastRequestId());
      counts[route] = sql.length;
      if (process.env.SHOW_SQL) console.log(`${route}: ${sql.length}\n  ${sql.join('\n  ')}`);
      return answer;
    };
    const read = await measure('GET /tasks/:id', () => c.tracking.tasks.get(task.id));
    expect(read).toEqual({ ...task, checklist: { done: 0, total: 1 } });
    const renamed = await measure('PATCH /tasks/:id (title)', () =>
      c.tracking.tasks.update(task.id, { title: 'Counted, renamed', version: 1 }),
    );
    expect(renamed).toMatchObject({ title: 'Counted, renamed', version: 2 });
    expect(renamed).toEqual(await t.viewer.tracking.tasks.get(task.id));
    const moved = await measure('POST /tasks/:id/move', () => c.tracking.tasks.move(task.id, { status: t.statuses[1]!.id }));
    expect(moved).toMatchObject({ status: t.statuses[1]!.id, version: 3 });
    expect(moved).toEqual(await t.viewer.tracking.tasks.get(task.id));
    const comment = await measure('POST /tasks/:id/comments', () => c.tracking.comments.create(task.id, { body: 'A comment' }));
    const keyed = await measure('POST /tasks/:id/comments (Idempotency-Key)', () =>
      c.tracking.comments.create(task.id, { body: 'Another comment' }, { idempotencyKey: `k-${task.id}` }),
    );
    expect((await t.viewer.tracking.comments.list(task.id)).items).toEqual([comment, keyed]);
    const ticked = await measure('PATCH /checklist/:id (done)', () => c.tracking.checklist.update(item.id, { done: true }));
    expect(ticked).toEqual({ ...item, done: true });
    expect(await t.viewer.tracking.checklist.list(task.id)).toMatchObject({ items: [ticked], done: 1, total: 1 });
    // The activity entries written with the changes (and the times they carry are now, in UTC).
    const activity = (await t.viewer.tracking.tasks.activity(task.id)).items;
    const entry = (action: string) => activity.find((a) => a.action === action)?.changes;
    expect(entry('task.updated')).toEqual({ title: { from: 'Counted', to: 'Counted, renamed' } });
    expect(entry('task.moved')).toMatchObject({ status: { from: t.statuses[0]!.id, to: t.statuses[1]!.id } });
    expect(activity.filter((a) => a.action === 'comment.created').map((a) => a.changes)).toEqual(
      expect.arrayContaining([{ commentId: comment.id }, { commentId: keyed.id }]),
    );
    expect(entry('checklist.updated')).toEqual({ itemId: item.id, done: { from: false, to: true } });
    for (const a of activity) expect(Math.abs(Date.parse(a.createdAt) - Date.now())).toBeLessThan(60_000);
    for (const x of [comment, keyed]) expect(Math.abs(Date.parse(x.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(Date.parse(moved.updatedAt) - Date.now())).toBeLessThan(60_000);

    for (const [route, bound] of Object.entries(BOUNDS)) expect(counts[route], route).toBeLessThanOrEqual(bound);
  });

  it('notify everyone watching a task in the same few statements, however many they are', async () => {
    const t = await team(server);
    const task = await t.editor.tracking.tasks.create(t.project.id, { title: 'Watched' });
    const watchers = [t.owner, t.viewer];
    for (let i = 0; i < 4; i++) {
      const u = await server.user(`watcher${i}`);
      await addMember(t.owner, t.workspaceId, u, 'viewer');
      watchers.push(u);
    }
    for (const w of watchers) await w.tracking.tasks.watch(task.id);
    const c = counter.clientAs(t.editor);
    await c.tracking.tasks.get(task.id);
    await c.tracking.comments.create(task.id, { body: 'Warm-up' });

    await c.tracking.comments.create(task.id, { body: 'Counted' });
    const sql = counter.of(c.lastRequestId());
    if (process.env.SHOW_SQL) console.log(`comment with watchers: ${sql.length}\n  ${sql.join('\n  ')}`);
    expect(sql.length).toBeLessThanOrEqual(COMMENT_WATCHED_BOUND);
    for (const w of watchers) {
      await expect.poll(async () => (await w.tracking.notifications.list()).items.filter((n) => n.type === 'commented').length).toBe(2);
    }

    // Mentioning one watcher and one who does not watch: each hears "mentioned" once, the other
    // watchers "commented", in one read of who may see the task and one insert.
    const outsider = await server.user('mentioned-only');
    await addMember(t.owner, t.workspaceId, outsider, 'viewer');
    const mentionedWatcher = watchers[2]!;
    await c.tracking.comments.create(task.id, { body: `Over to @${outsider.email} and @${mentionedWatcher.email}` });
    const mentionSql = counter.of(c.lastRequestId());
    if (process.env.SHOW_SQL) console.log(`comment with a mention: ${mentionSql.length}\n  ${mentionSql.join('\n  ')}`);
    expect(mentionSql.length).toBeLessThanOrEqual(COMMENT_MENTION_BOUND);
    const types = async (u: typeof outsider) =>
      (await u.tracking.notifications.list()).items
        .map((n) => n.type)
        .filter((type) => type === 'mentioned' || type === 'commented')
        .sort();
    await expect.poll(() => types(outsider)).toEqual(['mentioned']);
    await expect.poll(() => types(mentionedWatcher)).toEqual(['commented', 'commented', 'mentioned']);
    for (const w of watchers.filter((w) => w !== mentionedWatcher)) {
      await expect.poll(() => types(w)).toEqual(['commented', 'commented', 'commented']);
    }
  });
});
