// The app's one realtime socket: the SDK's RealtimeSocket (msgpack frames, reconnects with a fresh
// ticket, re-joins rooms, re-sends presence), plus what screens need on top: rooms shared by
// several components (reference counted) and a single stream of frames to listen to.
import type { RealtimeSocket } from '@tandem/client';
import type { PresenceEntry, PresenceState } from '@tandem/protocol';
import { onlineManager } from '@tanstack/react-query';
import { client } from '../api/session.js';

export type SocketState = 'connecting' | 'open' | 'closed';
export type PresenceUser = PresenceEntry;

export type ServerFrame =
  | { t: 'event'; room: string; type: string; data: Record<string, unknown> }
  | { t: 'presence'; room: string; users: PresenceUser[] }
  | { t: 'notification'; data: Record<string, unknown> }
  /** The server dropped a room we were in: access was removed or the thing was deleted. */
  | { t: 'lost'; room: string };

/** The longest a screen's read waits for its room to be joined before reading anyway. */
const JOIN_WAIT_MS = 3000;
/** How long the socket may stay unopened, with HTTP working, before the app says so. */
const BLOCKED_AFTER_MS = 10_000;

class Realtime {
  private socket: RealtimeSocket | null = null;
  private rooms = new Map<string, number>();
  /** What we show in each room, kept so it is announced again whenever the socket (re)starts. */
  private presence = new Map<string, PresenceState>();
  private frameListeners = new Set<(f: ServerFrame) => void>();
  private stateListeners = new Set<() => void>();
  state: SocketState = 'closed';
  /**
   * The socket has not opened for a while although the server answers HTTP: typically a reverse
   * proxy that does not pass WebSocket upgrades. (A browser cannot see why an upgrade failed, so
   * this is inferred from the two facts.)
   */
  blocked = false;
  private blockedCheck: ReturnType<typeof setTimeout> | null = null;

  start() {
    if (this.socket) return;
    const socket = client.realtime();
    this.socket = socket;
    socket.on('state', (s) => this.setState(s === 'open' ? 'open' : s === 'closed' ? 'closed' : 'connecting'));
    this.watchForBlocking();
    socket.on('event', (e) => this.emit({ t: 'event', room: e.room, type: e.type, data: (e.data ?? {}) as Record<string, unknown> }));
    socket.on('presence', (room, users) => this.emit({ t: 'presence', room, users }));
    socket.on('notification', (data) => this.emit({ t: 'notification', data: (data ?? {}) as Record<string, unknown> }));
    socket.on('lost', (room) => {
      this.rooms.delete(room);
      this.presence.delete(room);
      this.emit({ t: 'lost', room });
    });
    for (const room of this.rooms.keys()) this.subscribe(room);
    for (const [room, state] of this.presence) socket.setPresence(room, state);
    socket.connect().catch(() => undefined); // the state listener reports failures
  }

  stop() {
    this.socket?.close();
    this.socket = null;
    this.setState('closed');
  }

  /** Decides `blocked` BLOCKED_AFTER_MS after the socket last stopped being open. */
  private watchForBlocking() {
    if (this.blockedCheck) clearTimeout(this.blockedCheck);
    this.blockedCheck = null;
    if (this.state === 'open' || !this.socket) return this.setBlocked(false);
    this.blockedCheck = setTimeout(() => {
      this.blockedCheck = null;
      this.setBlocked(this.state !== 'open' && !!this.socket && onlineManager.isOnline());
      // HTTP may come back later (or go away): look again.
      if (this.state !== 'open' && this.socket) this.watchForBlocking();
    }, BLOCKED_AFTER_MS);
  }

  private setBlocked(blocked: boolean) {
    if (blocked === this.blocked) return;
    this.blocked = blocked;
    for (const l of this.stateListeners) l();
  }

  /** Joins `room` until the returned function is called. */
  join(room: string): () => void {
    const n = this.rooms.get(room) ?? 0;
    this.rooms.set(room, n + 1);
    if (n === 0) this.subscribe(room);
    return () => {
      const left = (this.rooms.get(room) ?? 1) - 1;
      if (left > 0) return void this.rooms.set(room, left);
      this.rooms.delete(room);
      this.presence.delete(room);
      this.socket?.unsubscribe(room);
    };
  }

  /**
   * Runs `read` (a REST read of what `room` announces) so that it cannot miss a change the room
   * announced meanwhile: on the open socket it reads once the room is joined; a read that started
   * before the join (the socket still opening, say) is read again once it is. At once when nothing
   * on screen follows the room. Waits at most JOIN_WAIT_MS for a join. A read made while the socket
   * is not open is read again when it opens (useLiveCache).
   */
  async readInRoom<T>(room: string, read: () => Promise<T>): Promise<T> {
    await null; // the screen's own useRoom runs in the same commit, after its queries started
    await this.joined(room);
    const wasIn = this.inRoomNow(room);
    const value = await read();
    if (wasIn || this.state !== 'open' || !this.rooms.has(room)) return value;
    await this.joined(room);
    return read();
  }

  private inRoomNow(room: string): boolean {
    return this.state === 'open' && this.socket?.joined(room) === true;
  }

  /** Resolves once `room` is joined, at once when the socket is not open or nothing follows the room. */
  private async joined(room: string): Promise<void> {
    const socket = this.socket;
    if (this.state !== 'open' || !socket || !this.rooms.has(room) || socket.joined(room)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      socket.subscribe(room, { shallow: room.startsWith('workspace:') }).catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, JOIN_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  setPresence(room: string, state: PresenceState) {
    if (!this.rooms.has(room)) return;
    this.presence.set(room, state);
    this.socket?.setPresence(room, state);
  }

  onFrame(listener: (f: ServerFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private subscribe(room: string) {
    // A room refused as not found (access removed, or deleted, maybe while we were joining) is
    // reported like one the server dropped later, so screens react the same way either way.
    // The workspace room, joined by every screen of the workspace, carries the workspace's own
    // events; tasks' events come through the project and task rooms of the screens that show them.
    this.socket?.subscribe(room, { shallow: room.startsWith('workspace:') }).catch((err: { code?: string } | undefined) => {
      if (err?.code !== 'not_found' || !this.rooms.has(room)) return;
      this.rooms.delete(room);
      this.presence.delete(room);
      this.emit({ t: 'lost', room });
    });
  }

  private emit(frame: ServerFrame) {
    for (const l of this.frameListeners) l(frame);
  }

  private setState(s: SocketState) {
    if (s === this.state) return;
    const wasOpen = this.state === 'open';
    this.state = s;
    if (s === 'open' || wasOpen) this.watchForBlocking();
    for (const l of this.stateListeners) l();
  }
}

export const realtime = new Realtime();
