// The realtime socket (/ws, msgpack frames): one per signed-in app, rooms joined by the screens
// that need them and re-joined after every reconnect, presence re-announced, server pings answered.
import { Packr, unpack } from 'msgpackr';
import { client } from '../api/session.js';

export type SocketState = 'connecting' | 'open' | 'closed';

export type ServerFrame =
  | { t: 'subbed'; room: string }
  | { t: 'event'; room: string; type: string; data: Record<string, unknown> }
  | { t: 'presence'; room: string; users: PresenceUser[] }
  | { t: 'notification'; data: Record<string, unknown> }
  | { t: 'pong' }
  | { t: 'error'; code: string; ref?: string };

export interface PresenceUser {
  userId: string;
  state?: Record<string, unknown>;
  /** When this user's state last changed (ms since epoch). */
  at?: number;
}

const packr = new Packr({ useRecords: false });
const PING_MS = 25_000;

class RealtimeSocket {
  private ws: WebSocket | null = null;
  private rooms = new Map<string, number>();
  private presence = new Map<string, Record<string, unknown>>();
  private frameListeners = new Set<(f: ServerFrame) => void>();
  private stateListeners = new Set<() => void>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ping: ReturnType<typeof setInterval> | null = null;
  private running = false;
  state: SocketState = 'closed';

  start() {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop() {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
    this.rooms.clear();
    this.presence.clear();
    this.setState('closed');
  }

  /** Joins `room` until the returned function is called (rooms are reference counted). */
  join(room: string): () => void {
    const n = this.rooms.get(room) ?? 0;
    this.rooms.set(room, n + 1);
    if (n === 0) this.send({ t: 'sub', room });
    return () => {
      const left = (this.rooms.get(room) ?? 1) - 1;
      if (left > 0) return void this.rooms.set(room, left);
      this.rooms.delete(room);
      this.presence.delete(room);
      this.send({ t: 'unsub', room });
    };
  }

  setPresence(room: string, state: Record<string, unknown>) {
    this.presence.set(room, state);
    this.send({ t: 'presence', room, state });
  }

  onFrame(listener: (f: ServerFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: SocketState) {
    if (s === this.state) return;
    this.state = s;
    for (const l of this.stateListeners) l();
  }

  private send(frame: Record<string, unknown>) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(packr.pack(frame));
  }

  private async connect() {
    if (!this.running) return;
    this.setState('connecting');
    // After a failure, a cheap authenticated call refreshes an expired access token (or tells us
    // the server is unreachable) before the socket tries again.
    if (this.retry > 0) {
      try {
        await client.me();
      } catch {
        return this.scheduleReconnect();
      }
    }
    const token = client.accessToken;
    if (!this.running || !token) return;
    const url = new URL('/ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.setState('open');
      for (const room of this.rooms.keys()) this.send({ t: 'sub', room });
      for (const [room, state] of this.presence) this.send({ t: 'presence', room, state });
      this.ping = setInterval(() => this.send({ t: 'ping' }), PING_MS);
    };
    ws.onmessage = (e) => {
      let frame: ServerFrame;
      try {
        frame = unpack(new Uint8Array(e.data as ArrayBuffer)) as ServerFrame;
      } catch {
        return;
      }
      for (const l of this.frameListeners) l(frame);
    };
    ws.onclose = () => {
      if (this.ping) clearInterval(this.ping);
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState('closed');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    if (!this.running) return;
    this.setState('closed');
    const delay = Math.min(500 * 2 ** this.retry, 10_000) * (0.75 + Math.random() / 2);
    this.retry++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}

export const realtime = new RealtimeSocket();
