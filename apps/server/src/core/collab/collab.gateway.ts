// GET /collab/:documentId?token=… — authenticates and authorizes at the upgrade (401 bad token,
// 404 no access), then attaches the socket to the live document. Access changes announced on any
// node re-check this node's sockets at once: a removed user is closed (4404), a demoted one turns
// read-only, a revoked session is closed (4401). Trashing a document makes its sockets read-only.
// Revocations arrive through SessionRegistry.onChange exactly as for /ws; after a bus outage (which
// may have lost some) every socket's session and access are re-checked. A deleted workspace closes
// its sockets on every node. Sockets per user and messages per second share /ws's caps
// (SocketLimits); silent sockets are pinged and dropped like /ws's.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { WebSocket, WebSocketServer } from 'ws';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { SocketLimits } from '../../base/http/socket-limits.js';
import { rejectUpgrade, UpgradeRouter } from '../../base/http/upgrade-router.js';
import { isId } from '../../base/http/validation.js';
import { logger } from '../../base/logger/logger.js';
import { AuthService } from '../auth/auth.service.js';
import type { Actor } from '../auth/current-user.js';
import { type AuthChange, SessionRegistry } from '../auth/sessions.js';
import { type Access, allows, PermissionPolicy } from '../permission/policy.js';
import { userColor } from './awareness-room.js';
import { CloseCodes, CollabConnection } from './collab-connection.js';
import { CollabMetrics } from './collab-metrics.js';
import { OpenDocuments } from './open-documents.js';

const log = logger('collab-gateway');

/** A client sends a handful of messages before the document is loaded (sync step 1, awareness). */
const MAX_EARLY_MESSAGES = 64;

/** Protocol overhead allowed on top of the largest update. */
const FRAME_OVERHEAD = 64;

const TREE_EVENTS = new Set(['document.deleted', 'document.restored', 'document.purged', 'document.moved']);

export function canEdit(access: Access): boolean {
  return allows(access.role, 'document.update') && !access.trashed;
}

@Injectable()
export class CollabGateway implements OnModuleInit, OnModuleDestroy {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<CollabConnection>();
  private stopListening: (() => void) | null = null;
  private stopEvents: (() => Promise<void>) | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly router: UpgradeRouter,
    private readonly auth: AuthService,
    private readonly policy: PermissionPolicy,
    private readonly sessions: SessionRegistry,
    private readonly events: DomainEvents,
    private readonly prisma: PrismaClient,
    private readonly documents: OpenDocuments,
    private readonly metrics: CollabMetrics,
    private readonly limits: SocketLimits,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.COLLAB_MAX_UPDATE_BYTES + FRAME_OVERHEAD,
      perMessageDeflate: false, // CollabConnection.sendFrame relies on it
    });
  }

  async onModuleInit() {
    this.router.register(/^\/collab\/([^/]+)$/, (req, socket, head, match) => {
      this.upgrade(req, socket, head, match[1]!).catch((err) => {
        log.error({ err }, 'collab upgrade failed');
        rejectUpgrade(socket, 503, 'unavailable', 'Try again shortly');
      });
    });
    this.stopListening = this.sessions.onChange((change) => void this.onAuthChange(change));
    this.documents.onBroken((documentId) => {
      for (const c of this.connections) if (c.documentId === documentId) c.close(CloseCodes.unavailable, 'Could not store the document');
    });
    // Trash, restore, purge and moves change access for a whole subtree: re-check the workspace.
    this.stopEvents = await this.events.subscribe((event) => {
      if (event.type === 'workspace.deleted') {
        for (const c of this.connections)
          if (c.workspaceId === event.workspaceId) c.close(CloseCodes.notFound, 'The workspace was deleted');
        return;
      }
      if (!TREE_EVENTS.has(event.type)) return;
      void this.recheck([...this.connections].filter((c) => c.workspaceId === event.workspaceId));
    });
    this.sweepTimer = setInterval(() => this.sweep(), this.config.WS_HEARTBEAT_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** Same heartbeat as /ws: silent sockets are pinged; one silent past WS_IDLE_TIMEOUT_MS after a ping is dropped. */
  private sweep() {
    const now = Date.now();
    for (const c of this.connections) {
      const silent = now - c.lastSeen;
      const unanswered = c.pingedAt > 0 && now - c.pingedAt >= this.config.WS_HEARTBEAT_INTERVAL_MS;
      if (silent > this.config.WS_IDLE_TIMEOUT_MS && unanswered) c.terminate();
      else if (silent >= this.config.WS_HEARTBEAT_INTERVAL_MS && c.pingedAt === 0) c.ping(now);
    }
  }

  async onModuleDestroy() {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.stopListening?.();
    await this.stopEvents?.();
    for (const c of this.connections) c.close(1001, 'Server shutting down');
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, rawId: string) {
    const documentId = rawId.toLowerCase(); // ids are plain uuids: anything encoded is simply not found
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    if (!token) return rejectUpgrade(socket, 401, 'unauthenticated', 'A token is required');
    let actor: Actor;
    try {
      actor = await this.auth.authenticateSocket(token);
    } catch {
      return rejectUpgrade(socket, 401, 'unauthenticated', 'Invalid or expired token');
    }
    const access = isId(documentId) ? await this.policy.access(actor.id, { document: documentId }).catch(() => null) : null;
    if (!access) return rejectUpgrade(socket, 404, 'not_found', 'Document not found');
    const user = await this.prisma.user.findUnique({ where: { id: actor.id }, select: { displayName: true } });
    if (!user) return rejectUpgrade(socket, 401, 'unauthenticated', 'Unknown user');
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.attach(ws, socket, actor, access, documentId, user.displayName).catch((err) => {
        log.error({ err, documentId }, 'collab connection failed to start');
        ws.close(CloseCodes.unavailable, 'Could not open the document');
      });
    });
  }

  private async attach(ws: WebSocket, socket: Duplex, actor: Actor, access: Access, documentId: string, name: string) {
    ws.binaryType = 'nodebuffer';
    // The client speaks first (its sync step 1) while the document may still be loading.
    const early: Buffer[] = [];
    let connection: CollabConnection | null = null;
    let closed = false;
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return ws.close(CloseCodes.invalid, 'Binary frames only');
      if (connection) this.dispatch(connection, data);
      else if (early.length < MAX_EARLY_MESSAGES) early.push(data);
      else ws.close(CloseCodes.invalid, 'Too many messages before the document was ready');
    });
    ws.on('error', (err) => log.debug({ err: err.message }, 'collab socket error'));
    if (!this.limits.acquire('collab', actor.id)) {
      this.metrics.rejected.inc({ reason: 'too_many_sockets' });
      ws.close(CloseCodes.tooManySockets, 'Too many document sockets for this user');
      return;
    }
    ws.on('close', () => {
      closed = true;
      this.limits.release('collab', actor.id);
      if (!connection) return;
      this.connections.delete(connection);
      this.metrics.connections.dec();
      connection.leave();
      this.documents.release(documentId);
    });
    let live;
    try {
      live = await this.documents.acquire(documentId);
    } catch (err) {
      log.error({ err, documentId }, 'document failed to load');
      ws.close(CloseCodes.unavailable, 'Document could not be loaded');
      return;
    }
    if (closed) {
      this.documents.release(documentId);
      return;
    }
    connection = new CollabConnection(
      ws,
      socket,
      actor.id,
      actor.sessionId,
      access.workspaceId,
      { id: actor.id, name, color: userColor(actor.id) },
      live,
      canEdit(access),
      {
        maxDocumentBytes: this.config.COLLAB_MAX_DOCUMENT_BYTES,
        maxPendingBytes: this.config.COLLAB_MAX_PENDING_BYTES,
        awarenessPerSecond: this.config.COLLAB_AWARENESS_PER_SECOND,
        updatesPerSecond: this.limits.updatesPerSecond,
      },
      this.metrics,
    );
    this.connections.add(connection);
    this.metrics.connections.inc();
    live.peers.add(connection);
    connection.start();
    for (const data of early) this.dispatch(connection, data);
  }

  private dispatch(connection: CollabConnection, data: Buffer) {
    try {
      // lib0 reads lengths relative to the underlying ArrayBuffer: a pooled Buffer would let a lying
      // length read past this frame into unrelated memory instead of failing.
      connection.handle(new Uint8Array(data));
    } catch (err) {
      log.error({ err, documentId: connection.documentId }, 'collab message failed');
      connection.close(CloseCodes.invalid, 'Message could not be processed');
    }
  }

  private async onAuthChange(change: AuthChange) {
    if (change.kind === 'resync') return this.recheck([...this.connections], { sessions: true });
    if (change.kind === 'session.revoked') {
      const ended = new Set(change.sessionIds);
      for (const c of this.connections) if (ended.has(c.sessionId)) c.close(CloseCodes.unauthenticated, 'Session ended');
      return;
    }
    if (change.kind === 'user.revoked') {
      return this.recheck(
        [...this.connections].filter((c) => c.userId === change.userId),
        { sessions: true },
      );
    }
    await this.recheck([...this.connections].filter((c) => c.userId === change.userId && c.workspaceId === change.workspaceId));
  }

  /**
   * Re-applies the policy to open connections: closes those that lost access, updates write rights.
   * With `sessions`, also closes connections whose login was revoked (after a bus outage).
   */
  private async recheck(connections: CollabConnection[], { sessions = false } = {}) {
    // One policy query per user and document, however many tabs they have open.
    const decisions = new Map<string, Promise<Access | null | undefined>>();
    for (const c of connections) {
      if (sessions) {
        const active = await this.sessions.isActive(c.sessionId).catch(() => undefined);
        if (active === false) {
          c.close(CloseCodes.unauthenticated, 'Session ended');
          continue;
        }
      }
      const key = `${c.userId}:${c.documentId}`;
      if (!decisions.has(key))
        decisions.set(
          key,
          this.policy.access(c.userId, { document: c.documentId }).catch(() => undefined),
        );
      const access = await decisions.get(key);
      if (access === undefined) continue; // database unreachable: keep the last decision, next change re-checks
      if (!access) c.close(CloseCodes.notFound, 'Access to the document was removed');
      else c.canWrite = canEdit(access);
    }
  }
}
