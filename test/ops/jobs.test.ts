// Scheduled cleanup on real PostgreSQL: what each job deletes and what it keeps, and that with two
// nodes racing for one job exactly one runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRegistry } from '../../apps/server/src/base/jobs/job-registry.js';
import { JobScheduler } from '../../apps/server/src/base/jobs/job-scheduler.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
const sql = (text: string, values: unknown[] = []) => server.db.pool.query(text, values);
const run = (name: string) => server.app.get(JobScheduler).runNow(name);

beforeAll(async () => {
  server = await startTestServer({ TRASH_RETENTION_DAYS: '30' });
});
afterAll(async () => {
  await server?.close();
});

describe('scheduled cleanup', () => {
  it('purges ended sessions, spent tickets and tokens and stale throttle rows, and keeps live ones', async () => {
    const alice = await server.user('alice');
    const before = await sql(`SELECT count(*)::int AS n FROM "Session" WHERE "userId" = $1`, [alice.userId]);
    await sql(
      `INSERT INTO "Session" (id, "userId", "currentJti", "expiresAt") VALUES
         (gen_random_uuid(), $1, 'old', now() - interval '8 days'),
         (gen_random_uuid(), $1, 'live', now() + interval '8 days')`,
      [alice.userId],
    );
    await sql(
      `INSERT INTO "SocketTicket" (jti, "userId", "sessionId", "expiresAt") VALUES
         ('spent', $1, gen_random_uuid(), now() - interval '2 hours'), ('fresh', $1, gen_random_uuid(), now() + interval '1 minute')`,
      [alice.userId],
    );
    await sql(
      `INSERT INTO "EmailToken" (id, "userId", kind, "tokenHash", "expiresAt") VALUES
         (gen_random_uuid(), $1, 'reset_password', 'h-expired', now() - interval '1 minute'),
         (gen_random_uuid(), $1, 'reset_password', 'h-valid', now() + interval '1 hour')`,
      [alice.userId],
    );
    await sql(
      `INSERT INTO "LoginThrottle" (key, failures, "firstFailureAt") VALUES ('stale-key', 3, now() - interval '2 days'), ('recent-key', 3, now())`,
    );

    const counts = await run('purge-expired-credentials');
    expect(counts).toMatchObject({ sessions: 1, socketTickets: 1, emailTokens: 1, throttleRows: 1 });
    const left = await sql(`SELECT count(*)::int AS n FROM "Session" WHERE "userId" = $1`, [alice.userId]);
    expect(left.rows[0].n).toBe(before.rows[0].n + 1);
    expect((await sql(`SELECT jti FROM "SocketTicket" WHERE "userId" = $1`, [alice.userId])).rows).toEqual([{ jti: 'fresh' }]);
    expect((await sql(`SELECT "tokenHash" FROM "EmailToken" WHERE "userId" = $1`, [alice.userId])).rows).toEqual([
      { tokenHash: 'h-valid' },
    ]);
    expect((await sql(`SELECT key FROM "LoginThrottle" WHERE key LIKE '%-key'`)).rows).toEqual([{ key: 'recent-key' }]);
    // The signed-in user is still signed in.
    await expect(alice.me()).resolves.toMatchObject({ id: alice.userId });
  });

  it('empties the trash after the retention period, subtrees included, and keeps what is younger', async () => {
    const owner = await server.user('owner');
    const ws = await owner.workspaces.create({ name: 'Trash' });
    const old = await owner.documents.create(ws.id, { title: 'Old plan' });
    const oldChild = await owner.documents.create(ws.id, { title: 'Old child', parentId: old.id });
    const recent = await owner.documents.create(ws.id, { title: 'Recent' });
    const kept = await owner.documents.create(ws.id, { title: 'Not trashed' });
    await owner.documents.trash(old.id);
    await owner.documents.trash(recent.id);
    await sql(`UPDATE "Document" SET "deletedAt" = now() - interval '31 days' WHERE id IN ($1, $2)`, [old.id, oldChild.id]);

    expect(await run('empty-trash')).toEqual({ documents: 1 });
    const ids = (await sql(`SELECT id FROM "Document" WHERE "workspaceId" = $1 ORDER BY title`, [ws.id])).rows.map((r) => r.id);
    expect(ids.sort()).toEqual([kept.id, recent.id].sort());
  });

  it('thins automatic history to daily then weekly versions, keeping the last week, named versions and the newest', async () => {
    const owner = await server.user('historian');
    const ws = await owner.workspaces.create({ name: 'History' });
    const doc = await owner.documents.create(ws.id, { title: 'Notes' });
    const add = (age: string, reason = 'auto') =>
      sql(
        `INSERT INTO "DocumentVersion" (id, "documentId", state, size, reason, "createdAt")
         VALUES (gen_random_uuid(), $1, '\\x00'::bytea, 1, $2::"DocumentVersionReason", now() - $3::interval) RETURNING id`,
        [doc.id, reason, age],
      ).then((r) => r.rows[0].id as string);
    const recent = [await add('1 hour'), await add('2 hours'), await add('3 days')];
    // Three on one day, 20 days ago (from noon of that day, so they never straddle midnight
    // whatever the hour the test runs): only the newest stays.
    const noon = (await sql(`SELECT date_trunc('day', now() - interval '20 days') + interval '12 hours' AS d`)).rows[0].d as Date;
    const sinceNoon = (hours: number) => `${Math.round((Date.now() - noon.getTime()) / 1000) + hours * 3600} seconds`;
    const dayNewest = await add(sinceNoon(0));
    await add(sinceNoon(1));
    await add(sinceNoon(2));
    const named = await add(sinceNoon(3), 'manual');
    // Two in one week, 200 days ago (computed to fall in the same ISO week): only the newest stays.
    const { rows } = await sql(`SELECT date_trunc('week', now() - interval '200 days') AS w`);
    const weekStart = rows[0].w as Date;
    const atWeek = (hours: number) =>
      sql(
        `INSERT INTO "DocumentVersion" (id, "documentId", state, size, reason, "createdAt")
         VALUES (gen_random_uuid(), $1, '\\x00'::bytea, 1, 'auto', $2::timestamptz + $3 * interval '1 hour') RETURNING id`,
        [doc.id, weekStart, hours],
      ).then((r) => r.rows[0].id as string);
    await atWeek(10);
    const weekNewest = await atWeek(50);

    expect(await run('thin-document-history')).toEqual({ versions: 3 });
    const left = (await sql(`SELECT id FROM "DocumentVersion" WHERE "documentId" = $1`, [doc.id])).rows.map((r) => r.id).sort();
    expect(left).toEqual([...recent, dayNewest, named, weekNewest].sort());
  });

  it('runs a job on one node at a time when two nodes race for it', async () => {
    const second = await startTestServer({}, server.databaseUrl);
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let runs = 0;
      for (const node of [server, second]) {
        node.app.get(JobRegistry).register({
          name: 'race-probe',
          everyMs: 3_600_000,
          async run() {
            runs++;
            await gate;
            return { ran: 1 };
          },
        });
      }
      const a = server.app.get(JobScheduler).runNow('race-probe');
      // The first run holds the advisory lock until the gate opens; the other node is refused it.
      await expect.poll(() => runs).toBe(1);
      const b = await second.app.get(JobScheduler).runNow('race-probe');
      release();
      expect(await a).toEqual({ ran: 1 });
      expect(b).toBeNull();
      expect(runs).toBe(1);
      // Once released, the other node may run it.
      expect(await second.app.get(JobScheduler).runNow('race-probe')).toEqual({ ran: 1 });
    } finally {
      await second.app.close();
    }
  });
});
