// Which local sockets are in which room, and whether a user may join one. Room access is decided
// by the permission policy, exactly as REST decides reading the same resource.
import { Injectable } from '@nestjs/common';
import { parseRoom } from '@tandem/protocol';
import { PermissionPolicy, type ResourceRef } from '../permission/policy.js';
import type { RoomGrant, SocketConnection } from './connection.js';

export interface JoinOptions {
  shallow?: boolean;
  diff?: boolean;
}

/** Adds `conn` to (or takes it out of) the room's set in `sets`, dropping emptied sets. */
function flag(sets: Map<string, Set<SocketConnection>>, conn: SocketConnection, room: string, on: boolean) {
  let set = sets.get(room);
  if (on) {
    if (!set) sets.set(room, (set = new Set()));
    set.add(conn);
  } else if (set?.delete(conn) && set.size === 0) {
    sets.delete(room);
  }
}

@Injectable()
export class RoomRegistry {
  private readonly rooms = new Map<string, Set<SocketConnection>>();
  /** Grants are immutable and few distinct ones exist: sockets share them instead of holding copies. */
  private readonly grants = new Map<string, RoomGrant>();
  /** Numbers for compact cursor frames: given while a room has local members, freed when it empties. */
  private readonly numbers = new Map<string, number>();
  private readonly byNumber = new Map<number, string>();
  private nextNumber = 1;
  /** Members of workspace rooms that joined them shallow (no events of single tasks), by room. */
  private readonly shallow = new Map<string, Set<SocketConnection>>();
  /**
   * The other members of workspace rooms (they get every event): a task's event goes to these
   * without walking the thousands of shallow members of a big workspace.
   */
  private readonly deep = new Map<string, Set<SocketConnection>>();
  /** Members that take presence as diffs after the first list, by room. */
  private readonly diffs = new Map<string, Set<SocketConnection>>();

  constructor(private readonly policy: PermissionPolicy) {}

  /** The grant for `userId` in `room`, or null when they may not read it (the caller answers not_found). */
  async authorize(userId: string, room: string): Promise<RoomGrant | null> {
    const parsed = parseRoom(room);
    if (!parsed) return null;
    if (parsed.kind === 'user') return parsed.id === userId ? this.grant(null, null) : null;
    const access = await this.policy.access(userId, { [parsed.kind]: parsed.id } as ResourceRef);
    return access ? this.grant(access.workspaceId, access.role) : null;
  }

  /**
   * Puts a socket in its user's own room as it opens: a notification created after the socket is
   * open reaches it, however long its `sub` frames take behind others (a `sub` to it is answered as
   * usual).
   */
  joinOwnRoom(conn: SocketConnection): void {
    this.join(conn, `user:${conn.userId}`, this.grant(null, null));
  }

  private grant(workspaceId: string | null, role: RoomGrant['role']): RoomGrant {
    const key = `${workspaceId}/${role}`;
    let grant = this.grants.get(key);
    if (!grant) {
      if (this.grants.size > 50_000) this.grants.clear();
      this.grants.set(key, (grant = Object.freeze({ workspaceId, role })));
    }
    return grant;
  }

  join(conn: SocketConnection, room: string, grant: RoomGrant, opts: JoinOptions = {}): void {
    (conn.rooms ??= new Map()).set(room, grant);
    this.setOptions(conn, room, opts);
    let members = this.rooms.get(room);
    if (!members) {
      this.rooms.set(room, (members = new Set()));
      const n = this.nextNumber++;
      this.numbers.set(room, n);
      this.byNumber.set(n, room);
    }
    members.add(conn);
    this.syncDeep(conn, room);
  }

  /** Sets how a member follows the room (see `sub` in the protocol); only workspace rooms can be shallow. */
  setOptions(conn: SocketConnection, room: string, { shallow = false, diff = false }: JoinOptions): void {
    flag(this.shallow, conn, room, shallow && room.startsWith('workspace:'));
    flag(this.diffs, conn, room, diff);
    this.syncDeep(conn, room);
  }

  private syncDeep(conn: SocketConnection, room: string) {
    if (!room.startsWith('workspace:')) return;
    const member = this.rooms.get(room)?.has(conn) ?? false;
    flag(this.deep, conn, room, member && !this.shallow.get(room)?.has(conn));
  }

  /** A workspace room's members that did not join it shallow (absent when none). */
  deepMembers(room: string): ReadonlySet<SocketConnection> | undefined {
    return this.deep.get(room);
  }

  /** The room's shallow members (absent when none). */
  shallowMembers(room: string): ReadonlySet<SocketConnection> | undefined {
    return this.shallow.get(room);
  }

  /** The room's members taking presence as diffs (absent when none). */
  diffMembers(room: string): ReadonlySet<SocketConnection> | undefined {
    return this.diffs.get(room);
  }

  /** The room's number in compact frames on this node (while it has local members). */
  number(room: string): number | undefined {
    return this.numbers.get(room);
  }

  roomByNumber(n: number): string | undefined {
    return this.byNumber.get(n);
  }

  /** Returns whether the socket was in the room. */
  leave(conn: SocketConnection, room: string): boolean {
    if (!conn.rooms?.delete(room)) return false;
    this.setOptions(conn, room, {});
    const members = this.rooms.get(room);
    members?.delete(conn);
    this.syncDeep(conn, room);
    if (members?.size === 0) {
      this.rooms.delete(room);
      const n = this.numbers.get(room);
      this.numbers.delete(room);
      if (n !== undefined) this.byNumber.delete(n);
    }
    return true;
  }

  /** Removes the socket from every room; returns the rooms it was in. */
  leaveAll(conn: SocketConnection): string[] {
    const left = conn.rooms ? [...conn.rooms.keys()] : [];
    for (const room of left) this.leave(conn, room);
    conn.rooms = null;
    return left;
  }

  members(room: string): ReadonlySet<SocketConnection> | undefined {
    return this.rooms.get(room);
  }

  get size(): number {
    return this.rooms.size;
  }
}
