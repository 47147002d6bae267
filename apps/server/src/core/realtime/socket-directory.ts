// Every open socket of this node, by user: the per-user limit, revocations and the heartbeat sweep
// look sockets up here. Removing a socket also takes it out of its rooms and presence at once, so a
// socket being closed never receives another frame nor stays visible to others.
import { Injectable } from '@nestjs/common';
import type { SocketConnection } from './connection.js';
import { PresenceTracker } from './presence.js';
import { RoomRegistry } from './room-registry.js';

@Injectable()
export class SocketDirectory {
  private readonly byUser = new Map<string, Set<SocketConnection>>();
  private count = 0;

  constructor(
    private readonly registry: RoomRegistry,
    private readonly presence: PresenceTracker,
  ) {}

  get size(): number {
    return this.count;
  }

  countOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  ofUser(userId: string): SocketConnection[] {
    const set = this.byUser.get(userId);
    return set ? [...set] : [];
  }

  users(): string[] {
    return [...this.byUser.keys()];
  }

  *all(): Iterable<SocketConnection> {
    for (const set of this.byUser.values()) yield* set;
  }

  add(conn: SocketConnection): void {
    let set = this.byUser.get(conn.userId);
    if (!set) this.byUser.set(conn.userId, (set = new Set()));
    set.add(conn);
    this.count++;
  }

  /** Takes a socket out of the directory, its rooms and presence; idempotent. */
  remove(conn: SocketConnection): void {
    const set = this.byUser.get(conn.userId);
    if (!set?.delete(conn)) return;
    if (set.size === 0) this.byUser.delete(conn.userId);
    this.count--;
    this.leave(conn, null);
  }

  /** Leaves one room (or every room when `room` is null), dropping the socket's presence there. */
  leave(conn: SocketConnection, room: string | null): void {
    const rooms = room === null ? this.registry.leaveAll(conn) : this.registry.leave(conn, room) ? [room] : [];
    for (const r of rooms) this.presence.leave(conn, r);
  }

  /** Removes the socket first (so nothing more is sent or shown), then closes it. */
  disconnect(conn: SocketConnection, code: number, reason: string): void {
    this.remove(conn);
    conn.close(code, reason);
  }
}
