// One /collab socket on a live document: the y-websocket protocol for one authenticated user.
// Read-only connections (viewers, trashed documents) get the document and awareness, but their
// update and sync-step-2 messages are dropped and counted. Updates are validated before they touch
// the document. A sync step 1 from the client is answered only after every update this connection
// sent before it has been committed to the log: the sync step 2 reply means "all I sent is stored".

import type { Duplex } from 'node:stream';
import { CollabCloseCodes } from '@tandem/protocol';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { FrameWindow } from '../../base/http/socket-limits.js';
import { logger } from '../../base/logger/logger.js';
import type { AwarenessIdentity } from './awareness-room.js';
import type { CollabMetrics } from './collab-metrics.js';
import { awarenessMessage, MessageType, readMessage, SyncType, syncStep1Message, syncStep2Message } from './collab-protocol.js';
import type { Author, LiveDocument, Peer } from './live-document.js';
import { InvalidUpdate, readStateVector, validateUpdate } from './update-validation.js';

const log = logger('collab');

/** The collab socket's close codes, from the protocol package (clients read the same table). */
export const CloseCodes = CollabCloseCodes;

/** A slow receiver that falls this far behind is disconnected instead of buffering without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface ConnectionLimits {
  maxDocumentBytes: number;
  /** Bytes of updates waiting for missing earlier structs, per document and per connection. */
  maxPendingBytes: number;
  awarenessPerSecond: number;
  /** Update (sync) messages per second per connection; see `admitUpdate`. */
  updatesPerSecond: number;
}

export class CollabConnection implements Peer, Author {
  stored?: Promise<void>;
  readonly clientIds = new Set<number>();
  /** Pending bytes (see LiveDocument.pendingBytes) this connection added since the document last had none. */
  private pendingAdded = 0;
  private writable: boolean;
  private readonly updates = new FrameWindow();
  /** Heartbeat state read by the gateway's sweep: last message or pong (ms), and an unanswered ping. */
  lastSeen = Date.now();
  pingedAt = 0;
  private awarenessTokens: number;
  private awarenessRefilledAt = Date.now();
  private deferredAwareness?: Uint8Array;
  private deferredTimer?: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded socket under `ws`, for frames built once per broadcast (see sendFrame). */
    private readonly socket: Duplex,
    readonly userId: string,
    readonly sessionId: string,
    readonly workspaceId: string,
    private readonly identity: AwarenessIdentity,
    readonly live: LiveDocument,
    canWrite: boolean,
    private readonly limits: ConnectionLimits,
    private readonly metrics: CollabMetrics,
  ) {
    this.awarenessTokens = limits.awarenessPerSecond;
    this.writable = canWrite;
    ws.on('pong', () => this.seen());
  }

  private seen() {
    this.lastSeen = Date.now();
    this.pingedAt = 0;
  }

  ping(now: number) {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.pingedAt = now;
    this.ws.ping();
  }

  /** Drops a dead peer without a closing handshake. */
  terminate() {
    this.ws.terminate();
  }

  get canWrite(): boolean {
    return this.writable;
  }

  /**
   * Write access changes on an open socket (demotion, promotion, trash, restore). Updates dropped
   * while read-only leave a gap in this client's clocks, so every later edit would wait forever on
   * the server: when write access returns, the server asks the client again for everything it lacks
   * (a sync step 1), and the client's answer fills the gap.
   */
  set canWrite(value: boolean) {
    const regained = value && !this.writable;
    this.writable = value;
    if (regained) this.send(syncStep1Message(Y.encodeStateVector(this.live.doc)));
  }

  get documentId() {
    return this.live.id;
  }

  /** Greets the client: the server's state vector (so it sends what we lack) and who is here. */
  start() {
    this.send(syncStep1Message(Y.encodeStateVector(this.live.doc)));
    const present = this.live.awareness.snapshot();
    if (present) this.send(awarenessMessage(present));
  }

  send(message: Uint8Array) {
    if (this.open()) this.ws.send(message);
  }

  /**
   * Writes a broadcast's prebuilt frame straight to the socket. Safe next to `ws`'s own writes:
   * without compression (perMessageDeflate is off) `ws` writes each of its frames to the socket
   * synchronously, so frames never interleave, and nothing is written once it is no longer OPEN
   * (after a close frame). `bufferedAmount` counts these bytes too.
   */
  sendFrame(frame: Buffer) {
    if (this.open()) this.socket.write(frame);
  }

  private open(): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1013, 'Receiver too slow');
      return false;
    }
    return true;
  }

  /** Messages that belong together (a document sent in parts): the receiver is judged once, before them. */
  private sendAll(messages: Uint8Array[]) {
    this.send(messages[0]!);
    for (let i = 1; i < messages.length && this.ws.readyState === this.ws.OPEN; i++) this.ws.send(messages[i]!);
  }

  close(code: number, reason: string) {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  handle(data: Uint8Array) {
    if (this.ws.readyState !== this.ws.OPEN) return; // closing: what it still sends is not ours to apply
    this.seen();
    let message: ReturnType<typeof readMessage>;
    try {
      message = readMessage(data);
    } catch {
      return this.refuse('malformed', 'Malformed collab message');
    }
    switch (message.type) {
      case 'sync':
        // Sync messages cost the node real work (merging, storing, fan-out); awareness has its own rate.
        if (!this.updates.hit(Date.now(), this.limits.updatesPerSecond)) {
          this.metrics.rejected.inc({ reason: 'rate_limited' });
          return this.close(CloseCodes.policy, 'Update rate limit exceeded');
        }
        if (message.sync === SyncType.step1) return this.answerSyncStep1(message.payload);
        return this.applyUpdate(message.payload);
      case 'awareness':
        return this.applyAwareness(message.payload);
      case 'queryAwareness': {
        const present = this.live.awareness.snapshot();
        if (present) this.send(awarenessMessage(present));
        return;
      }
      default:
        // Clients never send auth messages that matter to us; anything else is not y-websocket.
        if (message.code !== MessageType.auth) this.refuse('malformed', 'Unknown message type');
        return;
    }
  }

  private refuse(reason: string, text: string) {
    this.metrics.rejected.inc({ reason });
    log.info({ userId: this.userId, documentId: this.documentId, reason }, 'collab message refused');
    this.close(CloseCodes.invalid, text);
  }

  private answerSyncStep1(payload: Uint8Array) {
    let stateVector: Uint8Array;
    try {
      stateVector = readStateVector(payload);
    } catch {
      return this.refuse('malformed', 'Malformed state vector');
    }
    const pending = this.stored ?? Promise.resolve();
    pending.then(
      () => {
        if (isEmptyStateVector(stateVector)) this.sendAll(this.live.wholeStateMessages());
        else this.send(syncStep2Message(Y.encodeStateAsUpdate(this.live.doc, stateVector)));
      },
      () => this.close(CloseCodes.unavailable, 'Could not store the document'),
    );
  }

  private applyUpdate(update: Uint8Array) {
    if (!this.canWrite) {
      this.metrics.viewerDropped.inc();
      return;
    }
    try {
      validateUpdate(update);
    } catch (err) {
      if (err instanceof InvalidUpdate) return this.refuse('invalid_update', 'Invalid document update');
      throw err;
    }
    const pendingBefore = this.live.pendingBytes;
    if (this.live.sizeEstimate + pendingBefore + update.length > this.limits.maxDocumentBytes) {
      this.metrics.rejected.inc({ reason: 'document_too_large' });
      this.close(CloseCodes.documentTooLarge, 'Document size limit reached');
      return;
    }
    try {
      Y.applyUpdate(this.live.doc, update, this);
    } catch (err) {
      log.warn({ err, documentId: this.documentId }, 'update failed to apply');
      this.refuse('invalid_update', 'Invalid document update');
      return;
    }
    this.boundPending(pendingBefore);
  }

  /**
   * Structs that cannot apply yet (a clock gap: earlier structs of that client never arrived) wait
   * in the document. No honest client leaves much there, so past the bound, per connection or per
   * document, or past the document size limit, they are dropped and the sender is closed.
   */
  private boundPending(pendingBefore: number) {
    const pending = this.live.pendingBytes;
    if (pending === 0) {
      this.pendingAdded = 0;
      return;
    }
    this.pendingAdded += Math.max(0, pending - pendingBefore);
    const max = this.limits.maxPendingBytes;
    const tooLarge = this.live.sizeEstimate + pending > this.limits.maxDocumentBytes;
    if (this.pendingAdded <= max && pending <= max && !tooLarge) return;
    this.live.dropPending();
    this.pendingAdded = 0;
    this.metrics.rejected.inc({ reason: 'pending_too_large' });
    log.info({ userId: this.userId, documentId: this.documentId, pending }, 'collab updates that cannot apply dropped');
    if (tooLarge) this.close(CloseCodes.documentTooLarge, 'Document size limit reached');
    else this.close(CloseCodes.invalid, 'Updates depend on data the server does not have');
  }

  /**
   * Over the rate, awareness is deferred rather than lost: only the newest pending update is kept
   * (the ones it supersedes are counted as dropped) and applied once the bucket refills, so the
   * final cursor position always arrives.
   */
  private applyAwareness(update: Uint8Array) {
    const now = Date.now();
    const rate = this.limits.awarenessPerSecond;
    this.awarenessTokens = Math.min(rate, this.awarenessTokens + ((now - this.awarenessRefilledAt) / 1000) * rate);
    this.awarenessRefilledAt = now;
    if (this.awarenessTokens < 1) {
      if (this.deferredAwareness) this.metrics.awarenessDropped.inc();
      this.deferredAwareness = update;
      this.deferredTimer ??= setTimeout(
        () => {
          this.deferredTimer = undefined;
          const next = this.deferredAwareness;
          this.deferredAwareness = undefined;
          if (next && this.ws.readyState === this.ws.OPEN) this.applyAwareness(next);
        },
        Math.ceil(((1 - this.awarenessTokens) / rate) * 1000),
      );
      return;
    }
    this.awarenessTokens -= 1;
    let changed: Uint8Array | null;
    try {
      changed = this.live.awareness.applyFromClient(update, this, this.identity, this.clientIds);
    } catch {
      return this.refuse('malformed', 'Malformed awareness update');
    }
    if (changed) this.live.shareAwareness(changed);
  }

  /** Removes this connection's cursors everywhere. */
  leave() {
    clearTimeout(this.deferredTimer);
    this.deferredAwareness = undefined;
    this.live.peers.delete(this);
    const gone = this.live.awareness.remove(this.clientIds);
    if (gone) this.live.shareAwareness(gone);
  }
}

/** A state vector with no clients: the client has nothing of the document yet. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.length === 1 && stateVector[0] === 0;
}
