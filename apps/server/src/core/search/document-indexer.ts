// Keeps documents' search text and references (backlinks) up to date, announces changed backlinks
// on their targets' rooms and has people mentioned for the first time notified: a document edited on this node
// is indexed once its edits stop for INDEX_AFTER_MS (and at least every INDEX_AT_MOST_MS while they
// keep coming), never per keystroke. A job catches up on documents whose content changed without
// being indexed here (edited on a node that stopped, imported before this existed).
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type pg from 'pg';
import { Database } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { JobRegistry } from '../../base/jobs/job-registry.js';
import { logger } from '../../base/logger/logger.js';
import { DocumentStore } from '../collab/document-store.js';
import { OpenDocuments } from '../collab/open-documents.js';
import { DocumentMentions } from './document-mentions.js';
import { type DocumentRefs, extractDocumentText } from './document-text.js';

const log = logger('search-indexer');
export const INDEX_AFTER_MS = 1_500;
export const INDEX_AT_MOST_MS = 5_000;

interface StoredReferences {
  documentId: string;
  workspaceId: string;
  /** Documents and tasks that gained or lost this document as a backlink: [kind, id]. */
  changedTargets: [string, string][];
  /** Readers mentioned in the text for the first time (claimed in the same transaction). */
  newlyMentioned: string[];
}

@Injectable()
export class DocumentIndexer implements OnModuleInit, OnModuleDestroy {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; firstAt: number }>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly open: OpenDocuments,
    private readonly store: DocumentStore,
    private readonly jobs: JobRegistry,
    private readonly events: DomainEvents,
    private readonly mentions: DocumentMentions,
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
    // Who may hear of a mention is decided before the write: only people who can read the document.
    const readers = await this.mentions.readersToTell(documentId, refs.users);
    const client = await this.db.pool.connect();
    let stored: StoredReferences | null = null;
    try {
      await client.query('BEGIN');
      stored = await this.write(client, documentId, text, refs, readers);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    if (!stored) return;
    await this.announce(stored);
    await this.mentions.tell(documentId, stored.workspaceId, stored.newlyMentioned);
  }

  /** Writes the text and references; returns what changed for whom (null: not a live document). */
  private async write(
    client: pg.PoolClient,
    documentId: string,
    text: string,
    refs: DocumentRefs,
    readers: string[],
  ): Promise<StoredReferences | null> {
    const found = await client.query<{ workspaceId: string }>(
      `UPDATE "SearchEntry" e SET body = $2, "contentIndexedAt" = coalesce(d."contentAt", now())
       FROM "Document" d WHERE d.id = e."entityId" AND e.kind = 'document' AND e."entityId" = $1::uuid
       RETURNING e."workspaceId"`,
      [documentId, text],
    );
    const before = await client.query<{ targetKind: string; targetId: string }>(
      `DELETE FROM "DocumentReference" WHERE "documentId" = $1::uuid RETURNING "targetKind", "targetId"`,
      [documentId],
    );
    const workspaceId = found.rows[0]?.workspaceId;
    if (!workspaceId) return null;
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
    const kept = targets.length
      ? await client.query<{ targetKind: string; targetId: string }>(
          `INSERT INTO "DocumentReference" ("documentId", "targetKind", "targetId")
           SELECT $1::uuid, x.k, x.t FROM unnest($2::text[], $3::uuid[]) x(k, t)
           ON CONFLICT DO NOTHING RETURNING "targetKind", "targetId"`,
          [documentId, targets.map((t) => t[0]), targets.map((t) => t[1])],
        )
      : { rows: [] };
    const key = (r: { targetKind: string; targetId: string }) => `${r.targetKind}:${r.targetId}`;
    const was = new Set(before.rows.map(key));
    const now = new Set(kept.rows.map(key));
    const changed = [...new Set([...was, ...now])].filter((k) => was.has(k) !== now.has(k) && !k.startsWith('user:'));
    const claimed = readers.length
      ? await client.query<{ userId: string }>(
          `INSERT INTO "DocumentMentionNotice" ("documentId", "userId")
           SELECT $1::uuid, u.id FROM "User" u WHERE u.id = ANY($2::uuid[])
           ON CONFLICT DO NOTHING RETURNING "userId"`,
          [documentId, readers],
        )
      : { rows: [] };
    return {
      documentId,
      workspaceId,
      changedTargets: changed.map((k) => k.split(':') as [string, string]),
      newlyMentioned: claimed.rows.map((r) => r.userId),
    };
  }

  /** Tells the rooms of documents and tasks whose backlinks changed, so open "Mentioned in" panels refetch. */
  private async announce(stored: StoredReferences) {
    if (stored.changedTargets.length === 0) return;
    const ids = (kind: string) => stored.changedTargets.filter((t) => t[0] === kind).map((t) => t[1]);
    const { rows } = await this.db.pool.query<{ kind: string; id: string; workspaceId: string }>(
      `SELECT 'document' AS kind, d.id, d."workspaceId" FROM "Document" d WHERE d.id = ANY($1::uuid[])
       UNION ALL
       SELECT 'task', t.id, p."workspaceId" FROM "Task" t JOIN "Project" p ON p.id = t."projectId" WHERE t.id = ANY($2::uuid[])`,
      [ids('document'), ids('task')],
    );
    for (const r of rows) {
      // The event names only the target: who refers to it is for the reader's own (filtered) request.
      await this.events.emit({
        type: 'backlinks.changed',
        workspaceId: r.workspaceId,
        actorId: null,
        ...(r.kind === 'task' ? { taskId: r.id } : { documentId: r.id }),
        data: { targetKind: r.kind, targetId: r.id },
      });
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
