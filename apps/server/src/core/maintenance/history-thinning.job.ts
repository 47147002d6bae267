// Thins automatic document history so it does not grow forever: every version of the last 7 days
// is kept; between 7 and 90 days the newest of each day; beyond that the newest of each week.
// Named versions and restore points are never thinned, and the newest version of a document
// always survives (it is the newest of its own day or week).
import type pg from 'pg';
import type { ScheduledJob } from '../../base/jobs/job-registry.js';

export function historyThinningJob(pool: pg.Pool, everyMs: number): ScheduledJob {
  return {
    name: 'thin-document-history',
    everyMs,
    async run() {
      const res = await pool.query(
        `DELETE FROM "DocumentVersion" v USING (
           SELECT id, row_number() OVER (
             PARTITION BY "documentId",
               CASE WHEN "createdAt" >= now() - interval '90 days' THEN date_trunc('day', "createdAt")
                    ELSE date_trunc('week', "createdAt") END
             ORDER BY "createdAt" DESC, id DESC) AS n
           FROM "DocumentVersion"
           WHERE "createdAt" < now() - interval '7 days' AND reason = 'auto'
         ) old
         WHERE v.id = old.id AND old.n > 1`,
      );
      return { versions: res.rowCount ?? 0 };
    },
  };
}
