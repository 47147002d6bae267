// Applies revocations from any node (through the bus) to this node's sockets at once:
// - a revoked session (logout, password change, refresh reuse) closes its sockets with 4401;
// - a user whose sign-ins an admin ended (disabled, deleted, password reset) has every socket whose
//   login is no longer active closed with 4401;
// - an access change (removal, demotion, project override, document share) re-checks that user's
//   rooms in that workspace: rooms they may no longer read are left (error not_found, ref room),
//   kept rooms take the new role, and a socket left with nothing in a workspace its user lost is
//   disconnected (4403).
// - a deleted workspace takes every socket out of that workspace's rooms (error not_found, ref room).
// After a bus outage, when revocations may have been missed, every socket is re-checked.
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CloseCodes } from '@tandem/protocol';
import { DomainEvents } from '../../base/events/domain-events.js';
import { logger } from '../../base/logger/logger.js';
import { type AuthChange, SessionRegistry } from '../auth/sessions.js';
import { PermissionPolicy } from '../permission/policy.js';
import { ClientFrames, errorFrame } from './client-frames.js';
import type { RoomGrant } from './connection.js';
import { PresenceTracker } from './presence.js';
import { RoomRegistry } from './room-registry.js';
import { SocketDirectory } from './socket-directory.js';

const log = logger('realtime');

@Injectable()
export class AccessWatcher implements OnModuleInit, OnModuleDestroy {
  private stopListening?: () => void;
  private stopEvents?: () => Promise<void>;

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly policy: PermissionPolicy,
    private readonly registry: RoomRegistry,
    private readonly presence: PresenceTracker,
    private readonly directory: SocketDirectory,
    private readonly frames: ClientFrames,
    private readonly events: DomainEvents,
  ) {}

  async onModuleInit() {
    this.stopEvents = await this.events.subscribe((event) => {
      // After the fan-out delivered `workspace.deleted` to the room itself.
      if (event.type === 'workspace.deleted') setImmediate(() => this.dropWorkspace(event.workspaceId));
    });
    this.stopListening = this.sessions.onChange((change) => {
      this.apply(change).catch((err) => log.error({ err, change }, 'applying an access change failed'));
    });
  }

  async onModuleDestroy() {
    this.stopListening?.();
    await this.stopEvents?.();
  }

  private dropWorkspace(workspaceId: string) {
    for (const conn of [...this.directory.all()]) {
      for (const [room, grant] of [...(conn.rooms ?? [])]) {
        if (grant.workspaceId !== workspaceId) continue;
        this.directory.leave(conn, room);
        conn.send(errorFrame('not_found', 'This workspace was deleted', room));
      }
    }
  }

  async apply(change: AuthChange): Promise<void> {
    if (change.kind === 'resync') {
      this.frames.accessGeneration++;
      return this.recheckAll();
    }
    if (change.kind === 'session.revoked') {
      const ended = new Set(change.sessionIds);
      for (const conn of this.directory.ofUser(change.userId)) {
        if (ended.has(conn.sessionId)) this.directory.disconnect(conn, CloseCodes.unauthenticated, 'Session revoked');
      }
      return;
    }
    if (change.kind === 'user.revoked') return this.recheckSessions(change.userId);
    this.frames.accessGeneration++;
    await this.recheck(change.userId, change.workspaceId);
  }

  /** Closes `userId`'s sockets whose login ended (read again from the database). */
  private async recheckSessions(userId: string): Promise<void> {
    for (const conn of this.directory.ofUser(userId)) {
      if (!(await this.sessions.isActive(conn.sessionId))) this.directory.disconnect(conn, CloseCodes.unauthenticated, 'Session revoked');
    }
  }

  /** Re-authorizes every room of `userId`'s sockets that belongs to `workspaceId`. */
  async recheck(userId: string, workspaceId: string): Promise<void> {
    const conns = this.directory.ofUser(userId);
    const answers = new Map<string, Promise<RoomGrant | null>>();
    for (const conn of conns) {
      for (const [room, grant] of conn.rooms ?? []) {
        if (grant.workspaceId === workspaceId && !answers.has(room)) answers.set(room, this.registry.authorize(userId, room));
      }
    }
    if (answers.size === 0) return;
    const fresh = new Map<string, RoomGrant | null>();
    for (const [room, answer] of answers) fresh.set(room, await answer);
    const lostSome = [...fresh.values()].some((g) => g === null);
    const workspaceGone = lostSome && (await this.policy.workspaceAccess(userId, workspaceId)) === null;
    for (const conn of conns) {
      if (!conn.open || !conn.rooms) continue;
      let dropped = false;
      for (const [room, grant] of [...conn.rooms]) {
        if (!fresh.has(room)) continue;
        const now = fresh.get(room);
        if (!now) {
          this.directory.leave(conn, room);
          conn.send(errorFrame('not_found', 'Access to this room was revoked', room));
          dropped = true;
        } else if (now.role !== grant.role) {
          conn.rooms.set(room, now);
          const state = this.presence.stateOf(conn, room);
          if (state) {
            const allowed = this.frames.allowedState(now, state);
            if (allowed !== state) this.presence.set(conn, room, allowed);
          }
        }
      }
      // Lost the workspace and everything this socket followed in it: nothing left to downgrade to.
      const keepsSome = [...conn.rooms.values()].some((g) => g.workspaceId === workspaceId);
      if (dropped && workspaceGone && !keepsSome) this.directory.disconnect(conn, CloseCodes.accessRevoked, 'Access revoked');
    }
  }

  private async recheckAll(): Promise<void> {
    for (const userId of this.directory.users()) {
      const conns = this.directory.ofUser(userId);
      const workspaces = new Set<string>();
      for (const conn of conns) {
        if (!(await this.sessions.isActive(conn.sessionId))) {
          this.directory.disconnect(conn, CloseCodes.unauthenticated, 'Session revoked');
          continue;
        }
        for (const grant of conn.rooms?.values() ?? []) if (grant.workspaceId) workspaces.add(grant.workspaceId);
      }
      for (const workspaceId of workspaces) await this.recheck(userId, workspaceId);
    }
  }
}
