// Keeps documents' search text and references (backlinks) up to date: a document edited on this node
// is indexed once its edits stop for INDEX_AFTER_MS (and at least every INDEX_AT_MOST_MS while they
// keep coming), never per keystroke. A job catches up on documents whose content changed without
// being indexed here (edited on a node that stopped, imported before this existed).
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Database } from '../../base/database/database.js';
import { JobRegistry } from '../../base/jobs/job-registry.js';
import { logger } from '../../base/logger/logger.js';
import { DocumentStore } from '../collab/document-store.js';
import { OpenDocuments } from '../collab/open-documents.js';
import { extractDocumentText } from './document-text.js';

const log = logger('search-indexer');
export const INDEX_AFTER_MS = 1_500;
export const INDEX_AT_MOST_MS = 5_000;

@Injectable()
export class DocumentIndexer implements OnModuleInit, OnModuleDestroy {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; firstAt: number }>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly open: OpenDocuments,
    private readonly store: DocumentStore,
    private readonly jobs: JobRegistry,
  ) {}

  onModuleInit() {
    this.open.onStored((id) => this.edited(id));
    this.jobs.register({ name: 'search.document-text', everyMs: 30_000, run: () => this.catchUp() });
  }

  onModuleDestroy() {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private edited(documentId: string) {
    const now = Date.now();
    const prior = this.pending.get(documentId);
    if (prior) clearTimeout(prior.timer);
    const firstAt = prior?.firstAt ?? now;
    const wait = Math.max(0, Math.min(INDEX_AFTER_MS, firstAt + INDEX_AT_MOST_MS - now));
    const timer = setTimeout(() => {
      this.pending.delete(documentId);
      void this.index(documentId);
    }, wait);
    timer.unref();
    this.pending.set(documentId, { timer, firstAt });
  }

  /** Extracts the document's text and references now (one at a time per document). */
  async index(documentId: string): Promise<void> {
    const prior = this.running.get(documentId);
    const next = (prior ?? Promise.resolve()).then(() => this.indexNow(documentId));
    const settled = next.catch((err) => log.warn({ err, documentId }, 'document text not indexed; the catch-up job retries'));
    this.running.set(documentId, settled);
    await settled;
    if (this.running.get(documentId) === settled) this.running.delete(documentId);
  }

  private async indexNow(documentId: string) {
    const live = this.open.peek(documentId);
    const doc = live ? live.doc : await this.store.loadDoc(documentId);
    const { text, refs } = extractDocumentText(doc);
    if (!live) doc.destroy();
    const client = await this.db.pool.connect();
    try {
      await client.query('BEGIN');
      const found = await client.query<{ workspaceId: string }>(
        `UPDATE "SearchEntry" e SET body = $2, "contentIndexedAt" = coalesce(d."contentAt", now())
         FROM "Document" d WHERE d.id = e."entityId" AND e.kind = 'document' AND e."entityId" = $1::uuid
         RETURNING e."workspaceId"`,
        [documentId, text],
      );
      const workspaceId = found.rows[0]?.workspaceId;
      await client.query(`DELETE FROM "DocumentReference" WHERE "documentId" = $1::uuid`, [documentId]);
      if (workspaceId) {
        const keys = [...refs.taskKeys].map((k) => k.split('-') as [string, string]);
        const byKey = keys.length
          ? await client.query<{ id: string }>(
              `SELECT t.id FROM unnest($2::text[], $3::int[]) k(key, number)
               JOIN "Project" p ON p."workspaceId" = $1::uuid AND p.key = k.key JOIN "Task" t ON t."projectId" = p.id AND t.number = k.number`,
              [workspaceId, keys.map((k) => k[0]), keys.map((k) => Math.min(Number(k[1]), 2 ** 31 - 1))],
            )
          : { rows: [] };
        const targets: [string, string][] = [
          ...[...refs.documents].filter((id) => id !== documentId).map((id) => ['document', id] as [string, string]),
          ...[...new Set([...refs.taskIds, ...byKey.rows.map((r) => r.id)])].map((id) => ['task', id] as [string, string]),
          ...[...refs.users].map((id) => ['user', id] as [string, string]),
        ];
        if (targets.length)
          await client.query(
            `INSERT INTO "DocumentReference" ("documentId", "targetKind", "targetId")
             SELECT $1::uuid, k, t FROM unnest($2::text[], $3::uuid[]) x(k, t) ON CONFLICT DO NOTHING`,
            [documentId, targets.map((t) => t[0]), targets.map((t) => t[1])],
          );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Documents whose content changed after their text was last indexed (a batch per run). */
  async catchUp(): Promise<Record<string, number>> {
    const { rows } = await this.db.pool.query<{ id: string }>(
      `SELECT d.id FROM "Document" d JOIN "SearchEntry" e ON e.kind = 'document' AND e."entityId" = d.id
       WHERE d."contentAt" IS NOT NULL AND (e."contentIndexedAt" IS NULL OR e."contentIndexedAt" < d."contentAt")
       ORDER BY d."contentAt" LIMIT 50`,
    );
    for (const r of rows) await this.index(r.id);
    return { indexed: rows.length };
  }
}
