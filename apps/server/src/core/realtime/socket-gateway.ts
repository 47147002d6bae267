// The realtime socket, GET /ws?token=… (docs/realtime.md).
// Built on `ws` directly inside Nest providers rather than @nestjs/websockets decorators: the token
// must be verified before the handshake (a bad one gets HTTP 401, never an open socket), and every
// frame needs size, rate and order control that the decorator layer does not expose.
// Cheap per idle socket: no per-socket timers (one sweep pings silent sockets and drops dead ones),
// listeners shared by all sockets, state on a small SocketConnection.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CloseCodes } from '@tandem/protocol';
import { Counter, Gauge } from 'prom-client';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { CONFIG, type Config } from '../../base/config/config.js';
import { AppError } from '../../base/errors/app-error.js';
import { SocketLimits } from '../../base/http/socket-limits.js';
import { rejectUpgrade, UpgradeRouter } from '../../base/http/upgrade-router.js';
import { logger } from '../../base/logger/logger.js';
import { Metrics } from '../../base/metrics/metrics.js';
import { AuthService } from '../auth/auth.service.js';
import type { Actor } from '../auth/current-user.js';
import { ClientFrames, errorFrame } from './client-frames.js';
import { SocketConnection } from './connection.js';
import { EventFanout } from './event-fanout.js';
import { RoomRegistry } from './room-registry.js';
import { SocketDirectory } from './socket-directory.js';

const log = logger('realtime');
const CONN = Symbol('conn');
type TrackedSocket = WebSocket & { [CONN]?: SocketConnection };

/** Frames a socket may have waiting behind a join being authorized. */
const MAX_QUEUED_FRAMES = 64;
/** Sockets handled per event-loop turn by the heartbeat sweep. */
const SWEEP_SLICE = 500;
/** After a rate warning, exceeding the rate again within this long closes the socket. */
const RATE_STRIKE_MS = 30_000;

@Injectable()
export class SocketGateway implements OnModuleInit, OnModuleDestroy {
  private readonly wss: WebSocketServer;
  private sweepTimer: NodeJS.Timeout | null = null;
  private nextKey = 0;
  private closing = false;
  private readonly closes: Counter<'code'>;
  private readonly framesIn: Counter;
  /** Listeners shared by every socket of this gateway (no closures per socket). */
  private readonly onMessage: (this: TrackedSocket, data: RawData, isBinary: boolean) => void;
  private readonly onClose: (this: TrackedSocket) => void;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly router: UpgradeRouter,
    private readonly auth: AuthService,
    private readonly frames: ClientFrames,
    private readonly directory: SocketDirectory,
    private readonly limits: SocketLimits,
    private readonly registry: RoomRegistry,
    fanout: EventFanout,
    metrics: Metrics,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: config.WS_MAX_FRAME_BYTES,
    });
    const gateway = this;
    this.onMessage = function (data, isBinary) {
      gateway.receive(this[CONN]!, data as Buffer, isBinary);
    };
    this.onClose = function () {
      const conn = this[CONN]!;
      gateway.directory.remove(conn);
      gateway.limits.release('ws', conn.userId);
    };
    const r = [metrics.registry];
    new Gauge({
      name: 'tandem_ws_sockets',
      help: 'Open /ws sockets on this node',
      registers: r,
      collect() {
        this.set(directory.size);
      },
    });
    new Gauge({
      name: 'tandem_ws_rooms',
      help: 'Rooms with at least one /ws socket on this node',
      registers: r,
      collect() {
        this.set(registry.size);
      },
    });
    new Gauge({
      name: 'tandem_ws_event_deliveries',
      help: 'Event and notification frames delivered to sockets since start',
      registers: r,
      collect() {
        this.set(fanout.delivered);
      },
    });
    this.closes = new Counter({
      name: 'tandem_ws_closes_total',
      help: 'Sockets closed by the server, by close code',
      labelNames: ['code'],
      registers: r,
    });
    this.framesIn = new Counter({ name: 'tandem_ws_frames_received_total', help: 'Client frames received', registers: r });
  }

  onModuleInit() {
    this.router.register(/^\/ws$/, (req, socket, head) => {
      this.upgrade(req, socket, head).catch((err) => {
        log.error({ err }, 'socket upgrade failed');
        rejectUpgrade(socket, 503, 'unavailable', 'Internal error');
      });
    });
    this.sweepTimer = setInterval(() => this.sweep(), this.config.WS_HEARTBEAT_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy() {
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const conn of [...this.directory.all()]) this.directory.disconnect(conn, CloseCodes.goingAway, 'Server shutting down');
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    if (this.closing) return rejectUpgrade(socket, 503, 'unavailable', 'Server shutting down');
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    if (!token || token.length > 4096) return rejectUpgrade(socket, 401, 'unauthenticated', 'A token is required (?token=)');
    const slow = setTimeout(() => socket.destroy(), this.config.WS_PREAUTH_TIMEOUT_MS);
    let actor: Actor;
    try {
      actor = await this.auth.authenticateSocket(token);
    } catch (err) {
      if (err instanceof AppError && err.status === 401) return rejectUpgrade(socket, 401, 'unauthenticated', err.message);
      log.error({ err }, 'socket authentication failed');
      return rejectUpgrade(socket, 503, 'unavailable', 'Authentication is unavailable');
    } finally {
      clearTimeout(slow);
    }
    if (socket.destroyed) return;
    if (this.closing) return rejectUpgrade(socket, 503, 'unavailable', 'Server shutting down');
    // Whatever the client sent before being let in is bounded (it sits in memory until the handshake).
    if (head.length + socket.readableLength > this.config.WS_PREAUTH_MAX_BYTES) {
      return rejectUpgrade(socket, 413, 'payload_too_large', 'Too much data before the handshake');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, actor, socket));
  }

  private accept(ws: TrackedSocket, actor: Actor, socket: Duplex) {
    ws.on('error', onSocketError);
    if (this.directory.size >= this.config.WS_MAX_SOCKETS_PER_NODE) {
      return this.refuse(ws, CloseCodes.tooManySockets, 'Too many sockets on this server');
    }
    if (!this.limits.acquire('ws', actor.id)) {
      return this.refuse(ws, CloseCodes.tooManySockets, 'Too many sockets for this user');
    }
    const conn = new SocketConnection(++this.nextKey, ws, actor.id, actor.sessionId, socket);
    ws[CONN] = conn;
    this.directory.add(conn);
    this.registry.joinOwnRoom(conn);
    ws.on('message', this.onMessage);
    ws.on('pong', onPong);
    ws.on('close', this.onClose);
  }

  private refuse(ws: WebSocket, code: number, reason: string) {
    this.closes.inc({ code: String(code) });
    ws.close(code, reason);
  }

  private receive(conn: SocketConnection, data: Buffer, isBinary: boolean) {
    const now = Date.now();
    conn.lastSeen = now;
    conn.pingedAt = 0;
    this.framesIn.inc();
    if (!this.admit(conn, now)) return;
    if (!isBinary) {
      conn.send(errorFrame('bad_request', 'Frames are binary msgpack'));
      return;
    }
    if (conn.queue) {
      if (conn.queue.length >= MAX_QUEUED_FRAMES) this.disconnect(conn, CloseCodes.policy, 'Too many frames in flight');
      else conn.queue.push(data);
      return;
    }
    this.process(conn, data);
  }

  /** Runs frames in arrival order: while one awaits authorization, later ones wait in the queue. */
  private process(conn: SocketConnection, data: Buffer) {
    const pending = this.frames.handle(conn, data);
    if (!pending) return;
    conn.queue = [];
    void pending.finally(() => this.drain(conn));
  }

  private drain(conn: SocketConnection) {
    const queued = conn.queue;
    conn.queue = null;
    if (!queued) return;
    for (let i = 0; i < queued.length && conn.open; i++) {
      const pending = this.frames.handle(conn, queued[i]!);
      if (pending) {
        conn.queue = queued.slice(i + 1);
        void pending.finally(() => this.drain(conn));
        return;
      }
    }
  }

  /** Frames per second per socket: over the limit → one warning (error rate_limited), then close 1008. */
  private admit(conn: SocketConnection, now: number): boolean {
    const limit = this.limits.framesPerSecond;
    if (conn.frames.hit(now, limit)) return true;
    const warnedRecently = conn.warnedAt > 0 && now - conn.warnedAt < RATE_STRIKE_MS;
    if (!warnedRecently) {
      conn.warnedAt = now;
      conn.send(errorFrame('rate_limited', `More than ${limit} frames per second; slow down or be disconnected`));
    } else if (conn.warnedAt < conn.frames.start || conn.frames.count > 2 * limit) {
      this.disconnect(conn, CloseCodes.policy, 'Frame rate limit exceeded');
    }
    return false;
  }

  private disconnect(conn: SocketConnection, code: number, reason: string) {
    this.closes.inc({ code: String(code) });
    this.directory.disconnect(conn, code, reason);
  }

  /**
   * One timer for every socket: ping the silent ones, drop the ones silent past the idle timeout.
   * Done in slices so 20k pings never hold the event loop in one go.
   */
  private sweep() {
    const sockets = [...this.directory.all()];
    const step = (from: number) => {
      if (this.closing) return;
      const now = Date.now();
      const to = Math.min(from + SWEEP_SLICE, sockets.length);
      for (let i = from; i < to; i++) {
        const conn = sockets[i]!;
        const silent = now - conn.lastSeen;
        // Only a socket that was pinged and given a full interval to answer is dropped: a node
        // too busy to sweep on time must not blame its clients for the silence.
        const unanswered = conn.pingedAt > 0 && now - conn.pingedAt >= this.config.WS_HEARTBEAT_INTERVAL_MS;
        if (silent > this.config.WS_IDLE_TIMEOUT_MS && unanswered) {
          this.closes.inc({ code: 'timeout' });
          this.directory.remove(conn);
          conn.ws.terminate();
        } else if (silent >= this.config.WS_HEARTBEAT_INTERVAL_MS && conn.open && conn.pingedAt === 0) {
          conn.pingedAt = now;
          conn.ws.ping();
        }
      }
      if (to < sockets.length) setImmediate(step, to);
    };
    step(0);
  }
}

function onPong(this: TrackedSocket) {
  const conn = this[CONN];
  if (!conn) return;
  conn.lastSeen = Date.now();
  conn.pingedAt = 0;
}

function onSocketError(this: TrackedSocket, err: Error) {
  log.debug({ err: err.message }, 'socket error');
}
