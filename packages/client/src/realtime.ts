// The SDK's realtime socket (/ws): msgpack frames, rooms kept across reconnects, presence re-sent,
// jittered exponential backoff, and a fresh token (or single-use ticket) for every connection.
// Works in browsers (global WebSocket) and in Node (the `ws` package when no global exists).
import {
  CloseCodes,
  decodeServerFrame,
  type ErrorCode,
  encodeFrame,
  type PresenceEntry,
  type PresenceState,
  type Role,
  type ServerFrame,
} from '@tandem/protocol';

export type RealtimeState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RealtimeEvent {
  room: string;
  type: string;
  data: unknown;
}

export interface RealtimeError {
  code: ErrorCode;
  ref?: string;
  message?: string;
}

interface Listeners {
  state: (state: RealtimeState, detail: { code?: number; reason?: string }) => void;
  event: (event: RealtimeEvent) => void;
  presence: (room: string, users: PresenceEntry[]) => void;
  notification: (data: unknown) => void;
  error: (error: RealtimeError) => void;
  /** A room the server dropped (access revoked, or refused on re-subscribe). */
  lost: (room: string, error: RealtimeError) => void;
}

/** The subset of the WebSocket API used here (browser WebSocket and `ws` both provide it). */
interface SocketLike {
  binaryType: string;
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = new (url: string) => SocketLike;

export interface RealtimeOptions {
  /** The server's base URL (http(s)://host:port); /ws is derived from it. */
  baseUrl: string;
  /** Returns a token for the next connection attempt (an access token or a ws ticket). */
  token: () => Promise<string>;
  WebSocket?: SocketFactory;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the client checks the server is still there (a `ping` frame; no answer → reconnect). */
  pingIntervalMs?: number;
}

class RejectedToken extends Error {}

/** This SDK keeps each room's presence list itself, so it takes presence as diffs (`diff`). */
const subFrame = (room: string, r: { shallow?: boolean }) => ({
  t: 'sub' as const,
  room,
  diff: true,
  ...(r.shallow ? { shallow: true } : {}),
});

async function defaultFactory(): Promise<SocketFactory> {
  const global = (globalThis as { WebSocket?: SocketFactory }).WebSocket;
  if (global) return global;
  const mod = await import('ws');
  return mod.WebSocket as unknown as SocketFactory;
}

export class RealtimeSocket {
  state: RealtimeState = 'closed';
  private socket: SocketLike | null = null;
  private readonly rooms = new Map<string, { role?: Role; joined: boolean; presence?: PresenceState; n?: number; shallow?: boolean }>();
  /** This connection's numbers for compact cursor frames: rooms (from `subbed`) and last lists (users' `n`). */
  private readonly roomByNumber = new Map<number, string>();
  private readonly lists = new Map<string, PresenceEntry[]>();
  private readonly waiting = new Map<string, { resolve: (role: Role | undefined) => void; reject: (e: RealtimeError) => void }[]>();
  private readonly listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    state: new Set(),
    event: new Set(),
    presence: new Set(),
    notification: new Set(),
    error: new Set(),
    lost: new Set(),
  };
  private attempt = 0;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;

  constructor(private readonly opts: RealtimeOptions) {}

  on<K extends keyof Listeners>(kind: K, listener: Listeners[K]): () => void {
    this.listeners[kind].add(listener);
    return () => this.listeners[kind].delete(listener);
  }

  /** Starts connecting (and keeps reconnecting until close()). Resolves when first open. */
  connect(): Promise<void> {
    if (this.stopped) {
      this.stopped = false;
      void this.open();
    }
    if (this.state === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.on('state', (state, detail) => {
        if (state === 'open') resolve();
        else if (state === 'closed') reject(new Error(`socket closed (${detail.code ?? 'no code'}: ${detail.reason ?? ''})`));
        else return;
        off();
      });
    });
  }

  /**
   * Joins a room; resolves with your role there once the server confirms, rejects when refused.
   * `shallow` (workspace rooms): only the workspace's own events, not those of single tasks, which
   * the project and task rooms carry. A big workspace's clients join it so.
   */
  subscribe(room: string, opts: { shallow?: boolean } = {}): Promise<Role | undefined> {
    const known = this.rooms.get(room);
    const shallow = opts.shallow === true;
    if (known && (known.shallow ?? false) !== shallow) {
      known.shallow = shallow;
      if (known.joined) this.send(subFrame(room, known));
    }
    if (known?.joined) return Promise.resolve(known.role);
    if (!known) this.rooms.set(room, { joined: false, ...(shallow ? { shallow } : {}) });
    const promise = new Promise<Role | undefined>((resolve, reject) => {
      const list = this.waiting.get(room) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(room, list);
    });
    if (!known) this.send(subFrame(room, this.rooms.get(room)!));
    return promise;
  }

  unsubscribe(room: string): void {
    if (!this.rooms.delete(room)) return;
    this.send({ t: 'unsub', room });
  }

  /** Shows `state` to the room (kept and re-sent after reconnects). */
  setPresence(room: string, state: PresenceState): void {
    const r = this.rooms.get(room);
    if (!r) throw new Error(`subscribe to ${room} before setting presence there`);
    r.presence = state;
    if (r.joined) this.send({ t: 'presence', room, state });
  }

  /** Moves your cursor in a room: one compact frame (~15 bytes) once the room is joined. */
  setCursor(room: string, anchor: number, head: number): void {
    const r = this.rooms.get(room);
    if (!r) throw new Error(`subscribe to ${room} before setting presence there`);
    r.presence = { ...(r.presence ?? {}), cursor: { anchor, head } };
    if (!r.joined) return;
    if (r.n !== undefined) this.send({ t: 'c', r: r.n, a: anchor, h: head });
    else this.send({ t: 'presence', room, state: r.presence });
  }

  /** Whether the server has confirmed `room` (`subbed`) on the current connection. */
  joined(room: string): boolean {
    return this.rooms.get(room)?.joined === true;
  }

  get subscribedRooms(): string[] {
    return [...this.rooms.keys()];
  }

  close(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopPing();
    const s = this.socket;
    this.socket = null;
    s?.close(CloseCodes.normal, 'client closed');
    this.setState('closed', { code: CloseCodes.normal });
  }

  private send(frame: Parameters<typeof encodeFrame>[0]) {
    if (this.socket && this.socket.readyState === 1) this.socket.send(encodeFrame(frame));
  }

  private emit<K extends keyof Listeners>(kind: K, ...args: Parameters<Listeners[K]>) {
    for (const l of this.listeners[kind]) (l as (...a: unknown[]) => void)(...args);
  }

  private setState(state: RealtimeState, detail: { code?: number; reason?: string } = {}) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state, detail);
  }

  private async open() {
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: SocketLike;
    try {
      const [Factory, token] = await Promise.all([
        this.opts.WebSocket ?? defaultFactory(),
        this.opts.token().catch((err) => {
          throw (err as { status?: number }).status === 401 ? new RejectedToken('signed out') : err;
        }),
      ]);
      if (this.stopped) return;
      const url = new URL('/ws', this.opts.baseUrl);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      url.searchParams.set('token', token);
      socket = new Factory(url.toString());
    } catch (err) {
      if (err instanceof RejectedToken) return this.giveUp({ reason: 'signed out' });
      return this.retry();
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.attempt = 0;
      this.lastHeard = Date.now();
      for (const [room, r] of this.rooms) {
        r.joined = false;
        this.send(subFrame(room, r));
      }
      this.startPing();
      this.setState('open');
    };
    socket.onmessage = (ev) => {
      this.lastHeard = Date.now();
      const bytes = ev.data instanceof ArrayBuffer ? new Uint8Array(ev.data) : (ev.data as Uint8Array);
      let frame: ServerFrame;
      try {
        frame = decodeServerFrame(bytes);
      } catch {
        return;
      }
      this.receive(frame);
    };
    socket.onerror = () => undefined; // onclose follows and decides
    socket.onclose = (ev) => {
      if (this.socket === socket) this.lost(ev.code, ev.reason);
    };
  }

  /** The connection is gone (closed by the server, the network, or found dead): reconnect. */
  private lost(code: number, reason: string) {
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.onclose = null;
    this.stopPing();
    for (const r of this.rooms.values()) {
      r.joined = false;
      r.n = undefined;
    }
    this.roomByNumber.clear();
    this.lists.clear();
    if (this.stopped) return;
    this.setState('reconnecting', { code, reason });
    this.retry(code === CloseCodes.tooManySockets ? 4 : 1);
  }

  private receive(frame: ServerFrame) {
    switch (frame.t) {
      case 'subbed': {
        const r = this.rooms.get(frame.room);
        if (!r) return;
        r.joined = true;
        r.role = frame.role;
        r.n = frame.n;
        if (frame.n !== undefined) this.roomByNumber.set(frame.n, frame.room);
        if (r.presence) this.send({ t: 'presence', room: frame.room, state: r.presence });
        for (const w of this.waiting.get(frame.room) ?? []) w.resolve(frame.role);
        this.waiting.delete(frame.room);
        return;
      }
      case 'event':
        return this.emit('event', { room: frame.room, type: frame.type, data: frame.data });
      case 'presence':
        this.lists.set(frame.room, frame.users);
        return this.emit('presence', frame.room, frame.users);
      case 'presence-diff': {
        const list = this.lists.get(frame.room) ?? [];
        const changed = new Map(frame.users.map((e) => [e.userId, e]));
        const gone = new Set(frame.gone);
        // Users keep their place in the list; newcomers go at the end.
        const next = list.filter((e) => !gone.has(e.userId)).map((e) => changed.get(e.userId) ?? e);
        for (const e of frame.users) if (!list.some((o) => o.userId === e.userId)) next.push(e);
        this.lists.set(frame.room, next);
        return this.emit('presence', frame.room, next);
      }
      case 'c': {
        const room = this.roomByNumber.get(frame.r);
        const list = room ? this.lists.get(room) : undefined;
        const i = list?.findIndex((e) => e.n === frame.u) ?? -1;
        if (!room || !list || i < 0) return;
        const next = list.slice();
        next[i] = { ...list[i]!, state: { ...list[i]!.state, cursor: { anchor: frame.a, head: frame.h } }, at: Date.now() };
        this.lists.set(room, next);
        return this.emit('presence', room, next);
      }
      case 'notification':
        return this.emit('notification', frame.data);
      case 'pong':
        return;
      case 'error': {
        const error: RealtimeError = { code: frame.code, ref: frame.ref, message: frame.message };
        const waiting = frame.ref ? this.waiting.get(frame.ref) : undefined;
        if (frame.ref && frame.code === 'not_found' && this.rooms.has(frame.ref)) {
          this.rooms.delete(frame.ref);
          this.waiting.delete(frame.ref);
          for (const w of waiting ?? []) w.reject(error);
          if (!waiting) this.emit('lost', frame.ref, error);
          return;
        }
        if (waiting) {
          this.rooms.delete(frame.ref!);
          this.waiting.delete(frame.ref!);
          for (const w of waiting) w.reject(error);
          return;
        }
        return this.emit('error', error);
      }
    }
  }

  /** Full-jitter exponential backoff; `weight` stretches it (e.g. when the server said "too many"). */
  private retry(weight = 1) {
    if (this.stopped) return;
    const min = this.opts.minBackoffMs ?? 250;
    const max = this.opts.maxBackoffMs ?? 15_000;
    const ceiling = Math.min(max, min * 2 ** this.attempt) * weight;
    this.attempt = Math.min(this.attempt + 1, 16);
    this.retryTimer = setTimeout(() => void this.open(), min / 2 + Math.random() * ceiling);
  }

  private giveUp(detail: { code?: number; reason?: string }) {
    this.stopped = true;
    for (const [room, list] of this.waiting) for (const w of list) w.reject({ code: 'unauthenticated', ref: room });
    this.waiting.clear();
    this.setState('closed', detail);
  }

  private startPing() {
    const every = this.opts.pingIntervalMs ?? 20_000;
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > every * 2) {
        const silent = this.socket;
        this.lost(CloseCodes.goingAway, 'server not answering');
        silent?.close(CloseCodes.goingAway, 'server not answering');
        return;
      }
      this.send({ t: 'ping' });
    }, every);
  }

  private stopPing() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
