// One short-lived PostgreSQL connection for fixtures written straight to a bench database.
import pg from 'pg';

export async function withPg(url, fn) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Adds `count` tasks to a project's first board column in one statement, shaped like the API's own
 * rows (next numbers, ranks after the column's last, the reporter watching). Creating 10k through
 * POST would take minutes of setup; a few made through the API first keep the real path covered.
 */
export async function insertTasks(client, { projectId, reporterId, count }) {
  await client.query('BEGIN');
  const {
    rows: [p],
  } = await client.query(`UPDATE "Project" SET "taskCounter" = "taskCounter" + $2 WHERE id = $1 RETURNING "taskCounter" - $2 AS base`, [
    projectId,
    count,
  ]);
  const {
    rows: [status],
  } = await client.query(`SELECT id FROM "Status" WHERE "projectId" = $1 ORDER BY position LIMIT 1`, [projectId]);
  await client.query(
    `WITH t AS (
       INSERT INTO "Task" (id, "projectId", number, title, description, "statusId", type, priority, "reporterId", rank, version, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, $2 + g, 'Seeded task ' || g, 'Seeded for the REST benchmark', $3, 'task', 'none', $4,
              'j' || lpad(g::text, 6, '0') || '1', 1, now(), now()
       FROM generate_series(1, $5) g
       RETURNING id)
     INSERT INTO "TaskWatcher" ("taskId", "userId") SELECT id, $4 FROM t`,
    [projectId, p.base, status.id, reporterId, count],
  );
  await client.query('COMMIT');
  // A bulk insert leaves the planner believing the project is empty (autovacuum would analyze it
  // within a minute on a live server); measure the steady state, not the first minute after seeding.
  await client.query('ANALYZE "Task", "TaskWatcher", "TaskLabel", "ChecklistItem"');
}
