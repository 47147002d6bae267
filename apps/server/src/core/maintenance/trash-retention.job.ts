// Empties the trash: a document trashed longer than TRASH_RETENTION_DAYS is deleted for good, with
// its subtree, its update log, snapshot, history and file records (by cascade). Each purge is
// announced like a manual one, so open editors and sidebars learn of it on every node.
import type pg from 'pg';
import type { DomainEvents } from '../../base/events/domain-events.js';
import type { ScheduledJob } from '../../base/jobs/job-registry.js';

export function trashRetentionJob(pool: pg.Pool, events: DomainEvents, retentionDays: number, everyMs: number): ScheduledJob {
  return {
    name: 'empty-trash',
    everyMs,
    async run() {
      // Roots of trashed subtrees only: children trashed with their parent go by cascade.
      const { rows } = await pool.query<{ id: string; workspaceId: string; projectId: string | null }>(
        `DELETE FROM "Document" d
          WHERE d."deletedAt" < now() - make_interval(days => $1::int)
            AND NOT EXISTS (SELECT 1 FROM "Document" p WHERE p.id = d."parentId" AND p."deletedAt" IS NOT NULL)
          RETURNING d.id, d."workspaceId", d."projectId"`,
        [retentionDays],
      );
      for (const doc of rows) {
        await events.emit({
          type: 'document.purged',
          workspaceId: doc.workspaceId,
          projectId: doc.projectId,
          documentId: doc.id,
          actorId: null,
          data: { id: doc.id },
        });
      }
      return { documents: rows.length };
    },
  };
}
