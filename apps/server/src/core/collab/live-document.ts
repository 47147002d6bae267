// One document held in memory while someone edits it: its Y.Doc, awareness, and the connections
// on this node. Every change, whatever its source, is broadcast to local connections once per
// flush (updates that arrive together are merged and encoded once, the same buffer to everyone).
// A busy room's flushes are paced by a budget of frame writes (see FRAME_WRITES_PER_MS).
// Changes made here (by a connection or by the server itself) are also appended to the durable
// log and, when another node holds the document too, relayed to it; changes relayed from other
// nodes or read from the database are neither stored again nor relayed.
import * as Y from 'yjs';
import type { Bus } from '../../base/bus/bus.js';
import { Channels } from '../../base/bus/bus.js';
import { binaryFrame } from '../../base/http/ws-frame.js';
import { logger } from '../../base/logger/logger.js';
import { AwarenessRoom } from './awareness-room.js';
import { awarenessMessage, syncStep2Message, updateMessage } from './collab-protocol.js';
import type { DocumentUpdateLog } from './document-update-log.js';

const log = logger('live-document');

/** Origin of changes relayed from another node. */
export const FROM_NODE = Symbol('from-node');
/** Origin of changes read from the database (load, resync). */
export const FROM_STORE = Symbol('from-store');

/** Whoever makes a change on this node; the log append's promise is handed back through `stored`. */
export interface Author {
  readonly userId: string | null;
  stored?: Promise<void>;
}

export interface Peer {
  /** One message as a prebuilt WebSocket frame (`binaryFrame`): the same bytes for every receiver. */
  sendFrame(frame: Buffer): void;
  close(code: number, reason: string): void;
}

export interface BusMessage {
  /** The sending node. */
  n: string;
  /** A Yjs update. */
  u?: Uint8Array;
  /** An awareness update. */
  a?: Uint8Array;
  /** A state vector: "send me what I lack" (answered with `u`, and with our own `sv` unless `r`). */
  sv?: Uint8Array;
  /** Marks an `sv` that answers another node's, so the exchange stops after one round trip. */
  r?: boolean;
  /** Marks a `u` answering a state vector: it may hold edits a dead node never stored, so the receiver stores it. */
  x?: boolean;
  /** The sending node no longer holds the document. */
  bye?: boolean;
}

const MIXED = Symbol('mixed');

/** An update with no structs and an empty delete set encodes to two zero bytes. */
const EMPTY_UPDATE_BYTES = 2;

/**
 * Sending one frame costs the kernel several µs per receiver, whatever its size, so each room has a
 * budget of frame writes (a flush costs one per connection): on average 20 per ms, with room for a
 * burst of 10 ms of it (or one flush, in a room bigger than that). A room within its budget flushes
 * on the next turn; a room over it waits until the budget covers the next flush, merging what comes
 * meanwhile: 400 connections flush at most every 20 ms, so a busy room's fan-out stays within a
 * bounded share of a core however fast its editors type.
 */
const FRAME_WRITES_PER_MS = 20;
const BURST_MS = 10;
const MAX_FLUSH_WAIT_MS = 50;

export class LiveDocument {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new AwarenessRoom();
  readonly peers = new Set<Peer>();
  /** Connections and server-side users (REST export, restore) holding the document open. */
  holders = 0;
  /** Bytes of stored state plus accepted updates since the load: a cheap upper bound of the size. */
  sizeEstimate = 0;
  private outgoing: Uint8Array[] = [];
  /** Where every pending outgoing update came from, or MIXED: a lone author is not sent its own edits back. */
  private outgoingOrigin: unknown = MIXED;
  /**
   * Whether the doc held structs or deletes waiting for missing dependencies when the current
   * transaction began: completing them publishes someone else's edits on this author's behalf.
   */
  private pendingBefore = false;
  private relay: Uint8Array[] = [];
  private flushQueued = false;
  /** Frame writes the room may still spend now, as of `budgetAt` (see FRAME_WRITES_PER_MS). */
  private budget = Number.POSITIVE_INFINITY;
  private budgetAt = 0;
  private closed = false;
  /** What a client that has nothing yet is sent (see wholeStateMessages), kept until the next change. */
  private wholeMessages: Uint8Array[] | null = null;
  /**
   * Updates that together make the whole document without encoding it: the stored parts it was
   * loaded from, then every change since, as long as those stay few and small.
   */
  private asLoaded: { updates: Uint8Array[]; bytes: number; limit: number } | null = null;
  /**
   * Other nodes known to hold this document: a node announces itself with its state vector when it
   * loads (or resyncs) and says `bye` when it unloads. Relays go out only while this set is not
   * empty; a node that loads meanwhile gets what it lacks in the answer to its state vector.
   */
  private readonly remoteHolders = new Set<string>();

  constructor(
    readonly id: string,
    private readonly nodeId: string,
    private readonly bus: Bus,
    private readonly log: DocumentUpdateLog,
    private readonly hooks: { onAppended(): void; onStoreFailed(err: Error): void },
  ) {}

  /**
   * Starts broadcasting, storing and relaying changes; called once the stored state is loaded (no
   * need to re-encode it). `stored`: the updates the document was loaded from, in order.
   */
  activate(stored: Uint8Array[] = []) {
    const bytes = stored.reduce((n, u) => n + u.length, 0);
    if (stored.length) this.asLoaded = { updates: [...stored], bytes, limit: Math.max(2 * bytes, 64 * 1024) };
    this.doc.on('beforeTransaction', this.beforeTransaction);
    this.doc.on('update', this.onUpdate);
  }

  private beforeTransaction = () => {
    this.pendingBefore = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  };

  /**
   * The answer to an empty state vector (a client opening the document for the first time): the
   * whole document as update messages ending with a sync step 2. Built once per change and shared
   * by every client joining meanwhile. After a load it is the stored parts (plus the changes since)
   * as they are: a cold load encodes nothing, and a large document is never encoded in one step.
   */
  wholeStateMessages(): Uint8Array[] {
    if (!this.wholeMessages) {
      const updates = this.asLoaded?.updates ?? [Y.encodeStateAsUpdate(this.doc)];
      this.wholeMessages = updates.map((u, i) => (i === updates.length - 1 ? syncStep2Message(u) : updateMessage(u)));
    }
    return this.wholeMessages;
  }

  private onUpdate = (update: Uint8Array, origin: unknown) => {
    this.wholeMessages = null;
    const loaded = this.asLoaded;
    if (loaded) {
      loaded.bytes += update.length;
      if (loaded.bytes > loaded.limit || loaded.updates.length >= 1000) this.asLoaded = null;
      else loaded.updates.push(update);
    }
    this.sizeEstimate += update.length;
    const sender = this.pendingBefore ? MIXED : origin;
    this.outgoingOrigin = this.outgoing.length === 0 || this.outgoingOrigin === sender ? sender : MIXED;
    this.outgoing.push(update);
    if (origin !== FROM_NODE && origin !== FROM_STORE) {
      if (this.remoteHolders.size > 0) this.relay.push(update);
      const author = (origin ?? { userId: null }) as Author;
      const stored = this.log.append(this.id, update, author.userId ?? null);
      author.stored = stored;
      stored.then(this.hooks.onAppended, this.hooks.onStoreFailed);
    }
    this.queueFlush();
  };

  /**
   * A room within its frame budget sends on the next turn of the event loop (merged with whatever
   * arrived in the same turn); a room over it waits until the budget covers the flush, and what
   * arrives meanwhile goes out merged.
   */
  private queueFlush() {
    if (this.flushQueued) return;
    this.flushQueued = true;
    const cost = this.peers.size;
    const wait = Math.min((cost - this.refillBudget()) / FRAME_WRITES_PER_MS, MAX_FLUSH_WAIT_MS);
    if (wait <= 0) setImmediate(this.flush);
    else setTimeout(this.flush, wait);
  }

  /** The budget now: refilled for the time since it was last counted, up to the burst allowance. */
  private refillBudget(): number {
    const now = performance.now();
    const cap = Math.max(FRAME_WRITES_PER_MS * BURST_MS, this.peers.size);
    this.budget = Math.min(cap, this.budget + (now - this.budgetAt) * FRAME_WRITES_PER_MS);
    this.budgetAt = now;
    return this.budget;
  }

  private flush = () => {
    this.flushQueued = false;
    if (this.closed) return;
    this.refillBudget();
    // A room held over its budget (only by the wait cap) owes at most one capped wait.
    this.budget = Math.max(this.budget - this.peers.size, -FRAME_WRITES_PER_MS * MAX_FLUSH_WAIT_MS);
    if (this.outgoing.length) {
      const merged = this.outgoing.length === 1 ? this.outgoing[0]! : Y.mergeUpdates(this.outgoing);
      this.outgoing = [];
      this.broadcast(updateMessage(merged), this.outgoingOrigin);
    }
    if (this.relay.length) {
      const merged = this.relay.length === 1 ? this.relay[0]! : Y.mergeUpdates(this.relay);
      this.relay = [];
      this.publish({ n: this.nodeId, u: merged });
    }
  };

  /** Sends one message to every local connection but `except`, framed once for all of them. */
  broadcast(message: Uint8Array, except?: unknown) {
    const frame = binaryFrame(message);
    for (const p of this.peers) if (p !== except) p.sendFrame(frame);
  }

  /** Broadcasts an awareness update locally and to the other nodes. */
  shareAwareness(update: Uint8Array) {
    this.broadcast(awarenessMessage(update));
    if (this.remoteHolders.size > 0) this.publish({ n: this.nodeId, a: update });
  }

  private publish(message: BusMessage) {
    this.bus
      .publish(Channels.doc(this.id), message)
      .catch((err) => log.warn({ err: (err as Error).message }, 'relay to other nodes failed'));
  }

  /**
   * Asks the other nodes holding this document for what this node lacks, and offers what they lack:
   * after a load (updates relayed before we subscribed but not yet committed) and after the bus lost
   * messages. Both sides end with the union of both states.
   */
  exchangeState() {
    this.publish({ n: this.nodeId, sv: Y.encodeStateVector(this.doc) });
  }

  /** A message relayed by another node. */
  receive(message: BusMessage) {
    if (this.closed || message.n === this.nodeId) return;
    if (message.bye) {
      this.remoteHolders.delete(message.n);
      return;
    }
    this.remoteHolders.add(message.n);
    if (message.sv) {
      try {
        const missing = Y.encodeStateAsUpdate(this.doc, message.sv);
        if (missing.length > EMPTY_UPDATE_BYTES) this.publish({ n: this.nodeId, u: missing, x: true });
        if (!message.r) this.publish({ n: this.nodeId, sv: Y.encodeStateVector(this.doc), r: true });
      } catch (err) {
        log.warn({ err: (err as Error).message, documentId: this.id }, 'unreadable state vector from another node');
      }
    }
    if (message.u) {
      try {
        // Yjs ignores what it already has, so storing an exchanged diff costs at most a duplicate row.
        Y.applyUpdate(this.doc, message.u, message.x ? { userId: null } : FROM_NODE);
      } catch (err) {
        log.warn({ err: (err as Error).message, documentId: this.id }, 'unreadable update from another node dropped');
      }
    }
    if (message.a) {
      try {
        const changed = this.awareness.applyFromNode(message.a);
        if (changed) this.broadcast(awarenessMessage(changed));
      } catch {
        /* a malformed awareness relay only costs cursors */
      }
    }
  }

  expireRemoteAwareness() {
    const gone = this.awareness.remove(this.awareness.expiredRemoteIds());
    if (gone) this.broadcast(awarenessMessage(gone));
  }

  /**
   * Bytes Yjs keeps aside for this document: structs and deletes waiting for earlier structs that
   * never came. They are not part of the document, yet they cost memory, are re-merged on every
   * later update and are sent along in every state answer, so they are bounded (see CollabConnection).
   */
  get pendingBytes(): number {
    const store = this.doc.store;
    return (store.pendingStructs?.update.length ?? 0) + (store.pendingDs?.length ?? 0);
  }

  /**
   * Forgets everything waiting for missing dependencies. Honest clients lose nothing: what they
   * sent is not in the server's state vector, so their next sync sends it again.
   */
  dropPending() {
    this.doc.store.pendingStructs = null;
    this.doc.store.pendingDs = null;
  }

  close() {
    this.flush();
    if (this.remoteHolders.size > 0) this.publish({ n: this.nodeId, bye: true });
    this.closed = true;
    this.wholeMessages = null;
    this.asLoaded = null;
    this.doc.off('beforeTransaction', this.beforeTransaction);
    this.doc.off('update', this.onUpdate);
    this.doc.destroy();
  }
}
