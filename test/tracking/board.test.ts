import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../apps/server/src/base/database/database.js';
import { type DomainEvent, DomainEvents } from '../../apps/server/src/base/events/domain-events.js';
import { rebalanceIfLong } from '../../apps/server/src/core/tasks/board-column.js';
import { REBALANCE_LENGTH, spreadRanks } from '../../packages/protocol/src/rank.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { failure, team } from './fixtures.js';

let server: TestServer;
const events: DomainEvent[] = [];
beforeAll(async () => {
  server = await startTestServer();
  await server.app.get(DomainEvents).subscribe((e) => events.push(e));
});
afterAll(() => server?.close());

/** Waits until `check` holds (polled every 20 ms), failing after `ms`. */
async function within(ms: number, check: () => Promise<boolean>) {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (await check()) return;
  throw new Error(`not within ${ms} ms`);
}

describe('board ordering', () => {
  it('moves a task between two others and into another column, writing its new rank', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    const created = [];
    for (const title of ['A', 'B', 'C']) created.push(await t.editor.tracking.tasks.create(t.project.id, { title }));
    const column = async (statusId: string) =>
      (await t.viewer.tracking.tasks.list(t.project.id, { status: statusId })).items.map((x) => x.title);
    expect(await column(todo!.id)).toEqual(['A', 'B', 'C']);
    const moved = await t.editor.tracking.tasks.move(created[2]!.id, { status: todo!.id, afterId: created[0]!.id });
    expect(moved.version).toBe(2);
    expect(await column(todo!.id)).toEqual(['A', 'C', 'B']);
    await t.editor.tracking.tasks.move(created[1]!.id, { status: todo!.id, beforeId: created[0]!.id });
    expect(await column(todo!.id)).toEqual(['B', 'A', 'C']);
    await t.editor.tracking.tasks.move(created[0]!.id, { status: doing!.id });
    expect(await column(todo!.id)).toEqual(['B', 'C']);
    expect(await column(doing!.id)).toEqual(['A']);
    const activity = (await t.viewer.tracking.tasks.activity(created[0]!.id)).items[0]!;
    expect(activity).toMatchObject({ action: 'task.moved', changes: { status: { from: todo!.id, to: doing!.id } } });
  });

  it('gives distinct ranks to 20 tasks moved concurrently into the same gap', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    const left = await t.editor.tracking.tasks.create(t.project.id, { title: 'left', status: doing!.id });
    await t.editor.tracking.tasks.create(t.project.id, { title: 'right', status: doing!.id });
    const movers = [];
    for (let i = 0; i < 20; i++) movers.push(await t.editor.tracking.tasks.create(t.project.id, { title: `m${i}`, status: todo!.id }));
    await Promise.all(movers.map((m) => t.editor.tracking.tasks.move(m.id, { status: doing!.id, afterId: left.id })));
    const column = (await t.viewer.tracking.tasks.list(t.project.id, { status: doing!.id })).items;
    expect(column).toHaveLength(22);
    expect(new Set(column.map((x) => x.rank)).size).toBe(22);
    expect(column[0]!.title).toBe('left');
    expect(column[21]!.title).toBe('right');
  });

  it('rewrites a column with short ranks once repeated moves into one gap make them long', async () => {
    const t = await team(server);
    const [todo] = t.statuses;
    const first = await t.editor.tracking.tasks.create(t.project.id, { title: 'first' });
    const second = await t.editor.tracking.tasks.create(t.project.id, { title: 'second' });
    const third = await t.editor.tracking.tasks.create(t.project.id, { title: 'third' });
    // Alternately squeezing two tasks right after `first` halves the same gap each time.
    let longest = 0;
    for (let i = 0; i < 150; i++) {
      const mover = i % 2 === 0 ? third : second;
      const moved = await t.editor.tracking.tasks.move(mover.id, { status: todo!.id, afterId: first.id });
      longest = Math.max(longest, moved.rank.length);
    }
    const column = (await t.viewer.tracking.tasks.list(t.project.id, { status: todo!.id })).items;
    expect(column.map((x) => x.title)).toEqual(['first', 'second', 'third']);
    expect(Math.max(...column.map((x) => x.rank.length))).toBeLessThanOrEqual(24);
    expect(longest).toBeLessThanOrEqual(24);
    expect(events.some((e) => e.type === 'status.rebalanced' && (e.data as { statusId: string }).statusId === todo!.id)).toBe(true);
  });

  it('gives moves and creates racing for the end of one column a rank each, without an error', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    const movers = [];
    for (let i = 0; i < 12; i++) movers.push(await t.editor.tracking.tasks.create(t.project.id, { title: `m${i}`, status: todo!.id }));
    const answers = await Promise.allSettled([
      ...movers.map((m) => t.editor.tracking.tasks.move(m.id, { status: doing!.id })),
      ...Array.from({ length: 8 }, (_, i) => t.editor.tracking.tasks.create(t.project.id, { title: `c${i}`, status: doing!.id })),
    ]);
    expect(answers.filter((a) => a.status === 'rejected')).toEqual([]);
    const column = (await t.viewer.tracking.tasks.list(t.project.id, { status: doing!.id })).items;
    expect(column.map((x) => x.title).sort()).toEqual(
      [...movers.map((m) => m.title), ...Array.from({ length: 8 }, (_, i) => `c${i}`)].sort(),
    );
    expect(new Set(column.map((x) => x.rank)).size).toBe(20);
  });

  it('places a move that read the ranks before its column was rewritten against the new ranks', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    for (const title of ['a', 'b', 'c']) await t.editor.tracking.tasks.create(t.project.id, { title });
    const late = await t.editor.tracking.tasks.create(t.project.id, { title: 'late', status: doing!.id });
    // A rewrite of the To Do column, held open as a rebalance holds it: epoch first, under the row's lock.
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM "Status" WHERE id = $1 FOR UPDATE', [todo!.id]);
      await db.query('UPDATE "Status" SET "rankEpoch" = "rankEpoch" + 1 WHERE id = $1', [todo!.id]);
      // The move reads the old ranks, then waits for the rewrite at its write.
      const moving = t.editor.tracking.tasks.move(late.id, { status: todo!.id });
      await within(5000, async () => {
        const { rows } = await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return rows.length > 0;
      });
      const ids = (await db.query<{ id: string }>('SELECT id FROM "Task" WHERE "statusId" = $1 ORDER BY rank', [todo!.id])).rows.map(
        (r) => r.id,
      );
      await db.query('UPDATE "Task" t SET rank = v.rank FROM unnest($1::uuid[], $2::text[]) AS v(id, rank) WHERE t.id = v.id', [
        ids,
        spreadRanks(ids.length),
      ]);
      await db.query('COMMIT');
      const moved = await moving;
      const column = (await t.viewer.tracking.tasks.list(t.project.id, { status: todo!.id })).items;
      expect(column.map((x) => x.title)).toEqual(['a', 'b', 'c', 'late']);
      expect(moved.rank).toBe(column[3]!.rank);
    } finally {
      await db.end();
    }
  });

  it('leaves a card moved out of a column while that column is rewritten where its move put it', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    const cards = [];
    for (const title of ['a', 'b', 'c']) cards.push(await t.editor.tracking.tasks.create(t.project.id, { title }));
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      // Card b's row is held, as a move out of the column holds it until it commits.
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM "Task" WHERE id = $1 FOR UPDATE', [cards[1]!.id]);
      // The rewrite reads a, b and c, then waits for b at its first write.
      const prisma = server.app.get(PrismaClient);
      const rewriting = prisma.$transaction((tx) => rebalanceIfLong(tx, todo!.id, 'n'.repeat(REBALANCE_LENGTH + 1)));
      await within(5000, async () => {
        const { rows } = await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return rows.length > 0;
      });
      await db.query('UPDATE "Task" SET "statusId" = $2, rank = $3 WHERE id = $1', [cards[1]!.id, doing!.id, 'm']);
      await db.query('COMMIT');
      const rewritten = await rewriting;
      // Only a and c were rewritten (and announced); b keeps the rank its move gave it.
      expect(Object.keys(rewritten ?? {}).sort()).toEqual([cards[0]!.id, cards[2]!.id].sort());
      const column = (await t.viewer.tracking.tasks.list(t.project.id, { status: todo!.id })).items;
      expect(column.map((x) => x.title)).toEqual(['a', 'c']);
      expect(column.map((x) => x.rank)).toEqual([rewritten![cards[0]!.id], rewritten![cards[2]!.id]]);
      const moved = await t.viewer.tracking.tasks.get(cards[1]!.id);
      expect(moved).toMatchObject({ status: doing!.id, rank: 'm' });
    } finally {
      await db.end();
    }
  });

  it('refuses neighbours from another column and moving next to itself with 400', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    const a = await t.editor.tracking.tasks.create(t.project.id, { title: 'a' });
    const b = await t.editor.tracking.tasks.create(t.project.id, { title: 'b', status: doing!.id });
    expect((await failure(t.editor.tracking.tasks.move(a.id, { status: todo!.id, afterId: b.id }))).status).toBe(400);
    expect((await failure(t.editor.tracking.tasks.move(a.id, { status: todo!.id, afterId: a.id }))).status).toBe(400);
    expect((await failure(t.editor.tracking.tasks.move(a.id, { status: todo!.id, version: 7 }))).status).toBe(409);
  });
});

describe('statuses', () => {
  it('starts every project with To Do / In Progress / Done', async () => {
    const t = await team(server);
    expect(t.statuses.map((s) => [s.name, s.category, s.position])).toEqual([
      ['To Do', 'todo', 0],
      ['In Progress', 'in_progress', 1],
      ['Done', 'done', 2],
    ]);
  });

  it('adds, renames and reorders custom statuses', async () => {
    const t = await team(server);
    const review = await t.owner.tracking.statuses.create(t.project.id, { name: 'Review', category: 'in_progress' });
    expect(review.position).toBe(3);
    await t.owner.tracking.statuses.update(review.id, { name: 'Code review', position: 1 });
    const names = (await t.viewer.tracking.statuses.list(t.project.id)).items.map((s) => [s.name, s.position]);
    expect(names).toEqual([
      ['To Do', 0],
      ['Code review', 1],
      ['In Progress', 2],
      ['Done', 3],
    ]);
    expect((await failure(t.owner.tracking.statuses.create(t.project.id, { name: 'Done', category: 'done' }))).status).toBe(409);
    expect((await failure(t.editor.tracking.statuses.create(t.project.id, { name: 'X', category: 'done' }))).status).toBe(403);
  });

  it('deletes a status with tasks only when given a target, moving its tasks there in order', async () => {
    const t = await team(server);
    const [todo, doing] = t.statuses;
    const existing = await t.editor.tracking.tasks.create(t.project.id, { title: 'existing', status: doing!.id });
    const one = await t.editor.tracking.tasks.create(t.project.id, { title: 'one' });
    const two = await t.editor.tracking.tasks.create(t.project.id, { title: 'two' });
    const noTarget = await failure(t.owner.tracking.statuses.remove(todo!.id));
    expect([noTarget.status, noTarget.code]).toEqual([400, 'validation_failed']);
    expect((await t.viewer.tracking.statuses.list(t.project.id)).items).toHaveLength(3);
    await t.owner.tracking.statuses.remove(todo!.id, { target: doing!.id });
    const column = (await t.viewer.tracking.tasks.list(t.project.id, { status: doing!.id })).items.map((x) => x.id);
    expect(column).toEqual([existing.id, one.id, two.id]);
    expect((await t.viewer.tracking.statuses.list(t.project.id)).items.map((s) => [s.name, s.position])).toEqual([
      ['In Progress', 0],
      ['Done', 1],
    ]);
  });

  it('deletes an empty status without a target, refuses a foreign target and the last status', async () => {
    const t = await team(server);
    const extra = await t.owner.tracking.statuses.create(t.project.id, { name: 'Extra', category: 'todo' });
    const other = await t.owner.tracking.projects.create(t.workspaceId, { name: 'Other', key: `OT${Date.now() % 100000}` });
    const foreign = (await t.owner.tracking.statuses.list(other.id)).items[0]!;
    await t.editor.tracking.tasks.create(t.project.id, { title: 'x', status: extra.id });
    expect((await failure(t.owner.tracking.statuses.remove(extra.id, { target: foreign.id }))).status).toBe(400);
    await t.owner.tracking.statuses.remove(extra.id, { target: t.statuses[0]!.id });
    const [a, b] = (await t.owner.tracking.statuses.list(other.id)).items;
    await t.owner.tracking.statuses.remove(a!.id);
    await t.owner.tracking.statuses.remove(b!.id);
    const [last, ...none] = (await t.owner.tracking.statuses.list(other.id)).items;
    expect(none).toEqual([]);
    const err = await failure(t.owner.tracking.statuses.remove(last!.id));
    expect([err.status, err.message]).toEqual([400, 'A project needs at least one status']);
  });
});
