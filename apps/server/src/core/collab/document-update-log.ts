// The durable update log: every accepted Yjs update is appended to "DocumentUpdate" with group
// commit (one multi-row INSERT per batch, one batch in flight at a time, batches starting at least
// GROUP_COMMIT_SPACING_MS apart, so batches grow with load). A caller's promise resolves only
// after the batch holding its update has committed: that is what "stored" means to the collab
// protocol. A failing batch is retried with backoff; only after that does it reject, and the
// caller closes the document's sockets so clients resend.
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Database } from '../../base/database/database.js';
import { logger } from '../../base/logger/logger.js';

const log = logger('update-log');
const MAX_BATCH_ROWS = 2000;
const RETRY_DELAYS_MS = [50, 200, 500, 1000, 2000, 4000, 8000];
/**
 * A round trip to PostgreSQL costs this process a few hundred µs of CPU however few rows it
 * carries: under a steady stream of updates, a batch starts no sooner than this after the previous
 * one, so a busy node writes one INSERT per interval instead of one per update. An append after a
 * quiet spell is written at once.
 */
const GROUP_COMMIT_SPACING_MS = 10;

interface Pending {
  documentId: string;
  data: Uint8Array;
  userId: string | null;
  resolve: () => void;
  reject: (err: Error) => void;
}

@Injectable()
export class DocumentUpdateLog implements OnModuleDestroy {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private lastBatchAt = Number.NEGATIVE_INFINITY;
  /** Per document, the promise of its latest append: loads wait on it so they see our own writes. */
  private readonly lastAppend = new Map<string, Promise<void>>();
  /** Rows and bytes appended per document since its last compaction (by this node). */
  private readonly appendedSince = new Map<string, { rows: number; bytes: number }>();

  constructor(private readonly db: Database) {}

  append(documentId: string, data: Uint8Array, userId: string | null): Promise<void> {
    const stored = new Promise<void>((resolve, reject) => this.queue.push({ documentId, data, userId, resolve, reject }));
    const settled = stored.catch(() => undefined);
    this.lastAppend.set(documentId, settled);
    void settled.then(() => {
      if (this.lastAppend.get(documentId) === settled) this.lastAppend.delete(documentId);
    });
    const since = this.appendedSince.get(documentId) ?? { rows: 0, bytes: 0 };
    this.appendedSince.set(documentId, { rows: since.rows + 1, bytes: since.bytes + data.length });
    this.flushing ??= this.flushLoop();
    return stored;
  }

  /** Resolves once every append made so far for this document has committed or failed. */
  settled(documentId: string): Promise<void> {
    return this.lastAppend.get(documentId) ?? Promise.resolve();
  }

  appendedSinceCompaction(documentId: string): { rows: number; bytes: number } {
    return this.appendedSince.get(documentId) ?? { rows: 0, bytes: 0 };
  }

  /** Stops counting a document's rows (it was closed and its log handed to compaction). */
  forget(documentId: string) {
    if (!this.lastAppend.has(documentId)) this.appendedSince.delete(documentId);
  }

  /** Documents with appends in flight or rows counted since their last compaction. */
  get trackedDocuments(): number {
    return new Set([...this.lastAppend.keys(), ...this.appendedSince.keys()]).size;
  }

  /** A compaction folded `rows` rows; none folded means the log held nothing left to fold. */
  compacted(documentId: string, rows: number) {
    const since = this.appendedSince.get(documentId);
    const left = !since || rows === 0 ? 0 : since.rows - rows;
    if (since && left > 0) this.appendedSince.set(documentId, { rows: left, bytes: Math.round((since.bytes * left) / since.rows) });
    else this.appendedSince.delete(documentId);
  }

  private async flushLoop(): Promise<void> {
    // Let the rest of this tick's updates join the first batch.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.queue.length > 0) {
        const wait = this.lastBatchAt + GROUP_COMMIT_SPACING_MS - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.lastBatchAt = performance.now();
        const batch = this.queue.splice(0, MAX_BATCH_ROWS);
        await this.writeWithRetry(batch);
      }
    } finally {
      this.flushing = null;
      if (this.queue.length > 0) this.flushing = this.flushLoop();
    }
  }

  private async writeWithRetry(initial: Pending[]) {
    let batch = initial;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(batch);
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        if ((err as { code?: string }).code === '23503') {
          // A document was purged while its updates waited: drop those, keep the rest.
          batch = await this.withoutPurged(batch);
          if (batch.length === 0) return;
          continue;
        }
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          log.error({ err, rows: batch.length }, 'update log write failed; giving up on this batch');
          for (const p of batch) p.reject(err as Error);
          return;
        }
        log.warn({ err: (err as Error).message, rows: batch.length, attempt }, 'update log write failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async withoutPurged(batch: Pending[]): Promise<Pending[]> {
    const ids = [...new Set(batch.map((p) => p.documentId))];
    const { rows } = await this.db.pool.query<{ id: string }>('SELECT id FROM "Document" WHERE id = ANY($1::uuid[])', [ids]);
    const alive = new Set(rows.map((r) => r.id));
    for (const p of batch) if (!alive.has(p.documentId)) p.reject(new Error('document no longer exists'));
    return batch.filter((p) => alive.has(p.documentId));
  }

  private async write(batch: Pending[]) {
    await this.db.pool.query(
      `WITH ins AS (
         INSERT INTO "DocumentUpdate" ("documentId", data, "userId")
         SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::uuid[])
         RETURNING "documentId"
       )
       UPDATE "Document" SET "contentAt" = now() WHERE id IN (SELECT DISTINCT "documentId" FROM ins)`,
      [
        batch.map((p) => p.documentId),
        batch.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength)),
        batch.map((p) => p.userId),
      ],
    );
  }

  /** Waits for everything queued to be written (graceful shutdown). */
  async onModuleDestroy() {
    while (this.flushing) await this.flushing;
  }
}
