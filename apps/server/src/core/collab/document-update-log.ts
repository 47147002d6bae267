// The durable update log: every accepted Yjs update is appended to "DocumentUpdate" with group
// commit (one multi-row INSERT per batch, one batch in flight at a time, batches starting at least
// GROUP_COMMIT_SPACING_MS apart, so batches grow with load). The INSERT is a prepared statement, and
// a document's "contentAt" is stamped at most every COLLAB_CONTENT_STAMP_MS: a typing room costs
// PostgreSQL (which shares the machine) a fraction of what a statement per keystroke would. A caller's promise resolves only
// after the batch holding its update has committed: that is what "stored" means to the collab
// protocol. A failing batch is retried with backoff; only after that does it reject, and the
// caller closes the document's sockets so clients resend.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type Config } from '../../base/config/config.js';
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
const APPEND = {
  name: 'tandem.update-log.append',
  text: `INSERT INTO "DocumentUpdate" ("documentId", data, "userId") SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::uuid[])`,
};
const APPEND_AND_STAMP = {
  name: 'tandem.update-log.append-stamp',
  text: `WITH ins AS (
           INSERT INTO "DocumentUpdate" ("documentId", data, "userId") SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::uuid[])
         )
         UPDATE "Document" SET "contentAt" = now() WHERE id = ANY($4::uuid[])`,
};
const STAMP = { name: 'tandem.update-log.stamp', text: `UPDATE "Document" SET "contentAt" = now() WHERE id = ANY($1::uuid[])` };

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
  /** Documents whose "contentAt" was written less than COLLAB_CONTENT_STAMP_MS ago, and when. */
  private readonly stampedAt = new Map<string, number>();
  /** Documents with appends committed since their last stamp. */
  private readonly unstamped = new Set<string>();
  private stampTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

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

  /** Documents with appends in flight, rows counted since their last compaction, or a recent or pending stamp. */
  get trackedDocuments(): number {
    return new Set([...this.lastAppend.keys(), ...this.appendedSince.keys(), ...this.stampedAt.keys(), ...this.unstamped]).size;
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
    const now = performance.now();
    const stamp: string[] = [];
    const late: string[] = [];
    for (const id of new Set(batch.map((p) => p.documentId))) {
      const at = this.stampedAt.get(id);
      (at === undefined || now - at >= this.config.COLLAB_CONTENT_STAMP_MS ? stamp : late).push(id);
    }
    const values = [
      batch.map((p) => p.documentId),
      batch.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength)),
      batch.map((p) => p.userId),
    ];
    await this.db.pool.query(stamp.length ? { ...APPEND_AND_STAMP, values: [...values, stamp] } : { ...APPEND, values });
    for (const id of stamp) {
      this.stampedAt.set(id, now);
      this.unstamped.delete(id);
    }
    for (const id of late) this.unstamped.add(id);
    this.armStampTimer();
  }

  private armStampTimer() {
    if (this.stampTimer || (this.stampedAt.size === 0 && this.unstamped.size === 0)) return;
    this.stampTimer = setTimeout(() => {
      this.stampTimer = null;
      void this.stampLate(false);
    }, this.config.COLLAB_CONTENT_STAMP_MS);
    this.stampTimer.unref();
  }

  /** Stamps documents appended to since their last stamp once it is old enough (all of them if `all`). */
  private async stampLate(all: boolean) {
    const now = performance.now();
    for (const [id, at] of this.stampedAt) if (all || now - at >= this.config.COLLAB_CONTENT_STAMP_MS) this.stampedAt.delete(id);
    const due = [...this.unstamped].filter((id) => !this.stampedAt.has(id));
    for (const id of due) this.unstamped.delete(id);
    if (due.length > 0) {
      try {
        await this.db.pool.query({ ...STAMP, values: [due] });
        if (!all) for (const id of due) this.stampedAt.set(id, now);
      } catch (err) {
        log.warn({ err: (err as Error).message, documents: due.length }, 'could not stamp contentAt; the next edit will');
      }
    }
    if (!all) this.armStampTimer();
  }

  /** Waits for everything queued to be written (graceful shutdown). */
  async onModuleDestroy() {
    while (this.flushing) await this.flushing;
    if (this.stampTimer) clearTimeout(this.stampTimer);
    this.stampTimer = null;
    await this.stampLate(true);
  }
}
