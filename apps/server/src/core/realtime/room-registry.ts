// Which local sockets are in which room, and whether a user may join one. Room access is decided
// by the permission policy, exactly as REST decides reading the same resource.
import { Injectable } from '@nestjs/common';
import { parseRoom } from '@tandem/protocol';
import { PermissionPolicy, type ResourceRef } from '../permission/policy.js';
import type { RoomGrant, SocketConnection } from './connection.js';

@Injectable()
export class RoomRegistry {
  private readonly rooms = new Map<string, Set<SocketConnection>>();
  /** Grants are immutable and few distinct ones exist: sockets share them instead of holding copies. */
  private readonly grants = new Map<string, RoomGrant>();

  constructor(private readonly policy: PermissionPolicy) {}

  /** The grant for `userId` in `room`, or null when they may not read it (the caller answers not_found). */
  async authorize(userId: string, room: string): Promise<RoomGrant | null> {
    const parsed = parseRoom(room);
    if (!parsed) return null;
    if (parsed.kind === 'user') return parsed.id === userId ? this.grant(null, null) : null;
    const access = await this.policy.access(userId, { [parsed.kind]: parsed.id } as ResourceRef);
    return access ? this.grant(access.workspaceId, access.role) : null;
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

  join(conn: SocketConnection, room: string, grant: RoomGrant): void {
    (conn.rooms ??= new Map()).set(room, grant);
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Set()));
    members.add(conn);
  }

  /** Returns whether the socket was in the room. */
  leave(conn: SocketConnection, room: string): boolean {
    if (!conn.rooms?.delete(room)) return false;
    const members = this.rooms.get(room);
    members?.delete(conn);
    if (members?.size === 0) this.rooms.delete(room);
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
