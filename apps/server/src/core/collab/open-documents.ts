// The documents this node holds in memory: loaded when the first holder (a socket, or a REST call
// that needs the live content) arrives, unloaded when the last leaves. A load subscribes to the
// document's bus channel first and buffers what arrives while snapshot + log are read, so nothing
// relayed during the load is missed; it also waits for this node's own pending log writes. A load
// that fails leaves nothing behind: the document is never served (or stored) from an empty state.
// A large stored state is applied a slice per event-loop turn (other documents keep being served
// meanwhile); until the whole of it is in, nobody is handed the document and nothing relayed
// reaches it, so a reader never sees part of it and no edit is made on top of part of it.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { BUS, type Bus, Channels } from '../../base/bus/bus.js';
import { CONFIG, type Config } from '../../base/config/config.js';
import { logger } from '../../base/logger/logger.js';
import { CollabMetrics } from './collab-metrics.js';
import { applyStoredStateInSlices, DocumentStore, storedBytes, worthSplitting } from './document-store.js';
import { DocumentUpdateLog } from './document-update-log.js';
import { EditingSessions } from './editing-sessions.js';
import { type BusMessage, FROM_STORE, LiveDocument } from './live-document.js';

const log = logger('open-documents');
const AWARENESS_SWEEP_MS = 10_000;

interface Entry {
  ready: Promise<LiveDocument>;
  live: LiveDocument | null;
  holders: number;
  unsubscribe: (() => Promise<void>) | null;
  /** Stored as one large snapshot: compact on unload to store it in parts. */
  resplit: boolean;
}

@Injectable()
export class OpenDocuments implements OnModuleInit, OnModuleDestroy {
  readonly nodeId = randomUUID();
  private readonly entries = new Map<string, Entry>();
  private readonly compactionQueue = new Set<string>();
  private compacting = false;
  /** The document being compacted right now, and whether it was asked for again meanwhile. */
  private compactingNow: string | null = null;
  private askedAgain = false;
  /** Documents whose next compaction must also cut a history version (editing went on long enough, or went quiet). */
  private readonly versionWanted = new Set<string>();
  private readonly sessions: EditingSessions;
  private sweep?: NodeJS.Timeout;
  /** Called when a document's durable writes fail for good: its sockets must close so clients resend elsewhere. */
  private readonly brokenListeners = new Set<(documentId: string) => void>();
  /** Called after a document's edits were committed to the log (search indexes its text from here). */
  private readonly storedListeners = new Set<(documentId: string) => void>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CONFIG) private readonly config: Config,
    private readonly store: DocumentStore,
    private readonly updateLog: DocumentUpdateLog,
    private readonly metrics: CollabMetrics,
  ) {
    this.sessions = new EditingSessions(
      { intervalMs: config.COLLAB_VERSION_INTERVAL_SECONDS * 1000, quietMs: config.COLLAB_VERSION_QUIET_SECONDS * 1000 },
      (documentId) => this.scheduleCompaction(documentId, { version: true }),
    );
  }

  onModuleInit() {
    this.bus.onResync(() => void this.resyncAll());
    this.sweep = setInterval(() => {
      for (const e of this.entries.values()) e.live?.expireRemoteAwareness();
    }, AWARENESS_SWEEP_MS);
    this.sweep.unref();
  }

  async onModuleDestroy() {
    clearInterval(this.sweep);
    this.sessions.stop();
    for (const id of [...this.entries.keys()]) await this.unload(id);
  }

  onBroken(listener: (documentId: string) => void) {
    this.brokenListeners.add(listener);
  }

  onStored(listener: (documentId: string) => void) {
    this.storedListeners.add(listener);
  }

  /** Documents loaded or loading on this node, and documents waiting for compaction. */
  get held(): { documents: number; compactionQueue: number } {
    return { documents: this.entries.size, compactionQueue: this.compactionQueue.size };
  }

  /** The document if it is loaded on this node. */
  peek(documentId: string): LiveDocument | null {
    return this.entries.get(documentId)?.live ?? null;
  }

  /** Holds the document open (loading it if needed) until `release`. */
  async acquire(documentId: string): Promise<LiveDocument> {
    let entry = this.entries.get(documentId);
    if (!entry) {
      const fresh: Entry = { ready: null as never, live: null, holders: 0, unsubscribe: null, resplit: false };
      fresh.ready = this.load(documentId, fresh);
      this.entries.set(documentId, fresh);
      entry = fresh;
    }
    entry.holders++;
    try {
      return await entry.ready;
    } catch (err) {
      entry.holders--;
      if (this.entries.get(documentId) === entry) this.entries.delete(documentId);
      throw err;
    }
  }

  release(documentId: string) {
    const entry = this.entries.get(documentId);
    if (!entry) return;
    entry.holders--;
    if (entry.holders <= 0) void this.unload(documentId);
  }

  private async load(documentId: string, entry: Entry): Promise<LiveDocument> {
    const live = new LiveDocument(documentId, this.nodeId, this.bus, this.updateLog, {
      onAppended: () => {
        // An append may commit after the document was unloaded: that session has already ended.
        if (this.entries.has(documentId)) this.sessions.edited(documentId);
        for (const l of this.storedListeners) l(documentId);
        if (this.compactionDue(documentId, live.sizeEstimate)) this.scheduleCompaction(documentId);
      },
      onStoreFailed: (err) => {
        log.error({ err, documentId }, 'document updates could not be stored; closing its sockets');
        for (const l of this.brokenListeners) l(documentId);
      },
    });
    const early: BusMessage[] = [];
    let loaded = false;
    try {
      entry.unsubscribe = await this.bus.subscribe(Channels.doc(documentId), (m) => {
        if (loaded) live.receive(m as BusMessage);
        else early.push(m as BusMessage);
      });
      await this.updateLog.settled(documentId);
      const state = await this.store.load(documentId);
      await applyStoredStateInSlices(live.doc, state, FROM_STORE);
      live.sizeEstimate = storedBytes(state);
      entry.resplit = worthSplitting(state);
      live.activate(state.updates.length === 0 ? state.snapshot : []);
      loaded = true;
      for (const m of early) live.receive(m);
      live.exchangeState();
    } catch (err) {
      await entry.unsubscribe?.().catch(() => undefined);
      live.close();
      throw err;
    }
    entry.live = live;
    this.metrics.documentsOpen.inc();
    return live;
  }

  private async unload(documentId: string) {
    const entry = this.entries.get(documentId);
    if (!entry) return;
    this.entries.delete(documentId);
    const live = await entry.ready.catch(() => null);
    if (!live) return;
    await entry.unsubscribe?.().catch(() => undefined);
    live.close();
    this.metrics.documentsOpen.dec();
    await this.updateLog.settled(documentId);
    // The last editor left: the session ends as a quiet one, with a version of what it changed.
    const edited = this.sessions.end(documentId);
    if (edited || entry.resplit || this.updateLog.appendedSinceCompaction(documentId).rows > 0) {
      this.scheduleCompaction(documentId, { version: edited });
    }
  }

  /** Re-reads every loaded document from the database after the bus may have lost messages. */
  private async resyncAll() {
    for (const [documentId, entry] of this.entries) {
      if (!entry.live) continue;
      try {
        const state = await this.store.load(documentId);
        // Live edits may interleave with the slices: Yjs converges whatever the order.
        await applyStoredStateInSlices(entry.live.doc, state, FROM_STORE);
        entry.live.exchangeState();
      } catch (err) {
        log.warn({ err, documentId }, 'resync from the log failed');
      }
    }
  }

  /**
   * While a document is open, compact after COLLAB_COMPACT_AFTER_UPDATES rows, but for a large
   * document only once the new rows amount to an eighth of its size: re-encoding megabytes every
   * few hundred keystrokes would cost more than the log rows it saves. Twenty times the row
   * threshold bounds the log whatever the size.
   */
  private compactionDue(documentId: string, documentBytes: number): boolean {
    const { rows, bytes } = this.updateLog.appendedSinceCompaction(documentId);
    const threshold = this.config.COLLAB_COMPACT_AFTER_UPDATES;
    return rows >= threshold && (bytes * 8 >= documentBytes || rows >= threshold * 20);
  }

  /** Open: the usual threshold; closed: whatever rows are left unfolded. */
  private stillDue(documentId: string): boolean {
    const live = this.entries.get(documentId)?.live;
    if (live) return this.compactionDue(documentId, live.sizeEstimate);
    return !this.entries.has(documentId) && this.updateLog.appendedSinceCompaction(documentId).rows > 0;
  }

  scheduleCompaction(documentId: string, opts: { version?: boolean } = {}) {
    if (opts.version) this.versionWanted.add(documentId);
    // Appends committed during a compaction still count the rows it is folding: decide again once
    // it has subtracted them, instead of compacting the same document twice in a row.
    if (documentId === this.compactingNow) {
      this.askedAgain = true;
      return;
    }
    this.compactionQueue.add(documentId);
    if (!this.compacting) void this.compactQueued();
  }

  /** One compaction at a time per node, so a burst of closing documents never starves the event loop. */
  private async compactQueued() {
    this.compacting = true;
    try {
      for (const documentId of this.compactionQueue) {
        this.compactionQueue.delete(documentId);
        this.compactingNow = documentId;
        this.askedAgain = false;
        try {
          await this.updateLog.settled(documentId);
          const version = this.versionWanted.delete(documentId);
          const result = await this.store.compact(documentId, version ? { versionNow: true } : {});
          if (result) {
            this.updateLog.compacted(documentId, result.folded);
            this.metrics.compactions.inc();
          }
        } catch (err) {
          log.warn({ err, documentId }, 'compaction failed; the log stays as it is');
        }
        this.compactingNow = null;
        if ((this.askedAgain && this.stillDue(documentId)) || this.versionWanted.has(documentId)) this.compactionQueue.add(documentId);
        // Whoever compacts the document next folds every row, ours included: a closed document's
        // count is of no further use here.
        if (!this.entries.has(documentId)) this.updateLog.forget(documentId);
      }
    } finally {
      this.compacting = false;
    }
  }
}
