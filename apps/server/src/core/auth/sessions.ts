// Whether a login (session) is still valid, asked on every authenticated request and socket frame
// batch. Answers are cached briefly; revocations reach every node's cache at once through the bus,
// and every node's sockets of that session are closed by both socket gateways (/ws and /collab),
// which learn every revocation through `onChange` only: when the bus lost messages (a Redis outage),
// `onChange` delivers a `resync`, and each gateway re-checks every socket it holds.
// Revocations made outside any node (admin commands: disable, delete, reset a password) arrive as a
// database NOTIFY instead, which reaches every node with or without Redis: `user.revoked`.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { BUS, type Bus, Channels } from '../../base/bus/bus.js';
import { PrismaClient } from '../../base/database/database.js';
import { DatabaseNotifications, NotifyChannels } from '../../base/database/notifications.js';
import { ChangeClock } from '../../base/events/change-clock.js';
import { parseUserRevocation } from './user-revocation.js';

export type AuthChange =
  | { kind: 'session.revoked'; sessionIds: string[]; userId: string }
  /** A user's access to a workspace/project/document changed (demotion, removal, share change). */
  | { kind: 'access.changed'; userId: string; workspaceId: string }
  /** Some or all sign-ins of a user ended (disabled, deleted, password reset): re-check them. */
  | { kind: 'user.revoked'; userId: string }
  /** The bus may have lost revocations (reconnect after an outage): re-check every socket. */
  | { kind: 'resync' };

const CACHE_MS = 30_000;

@Injectable()
export class SessionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, { active: boolean; at: number; userId?: string }>();
  private readonly listeners = new Set<(change: AuthChange) => void>();
  private unsubscribe?: () => Promise<void>;
  private stopNotifications?: () => void;
  /** Bumped per user by `forgetUser`, so a lookup that raced a revocation is asked again. */
  private forgets = 0;
  private readonly forgottenAt = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    @Inject(BUS) private readonly bus: Bus,
    private readonly clock: ChangeClock,
    private readonly notifications: DatabaseNotifications,
  ) {}

  async onModuleInit() {
    this.unsubscribe = await this.bus.subscribe(Channels.auth, (m) => {
      const change = m as AuthChange;
      if (change.kind === 'session.revoked') for (const id of change.sessionIds) this.cache.set(id, { active: false, at: Date.now() });
      for (const l of this.listeners) l(change);
    });
    const resync = () => {
      // Cached answers may predate a revocation lost in the outage: forget them before anyone re-checks.
      this.cache.clear();
      for (const l of this.listeners) l({ kind: 'resync' });
    };
    this.bus.onResync(resync);
    this.notifications.onReconnect(resync);
    this.stopNotifications = await this.notifications.listen(NotifyChannels.userRevoked, (payload) => {
      const revocation = parseUserRevocation(payload);
      if (!revocation) return;
      this.forgetUser(revocation.userId);
      for (const l of this.listeners) l({ kind: 'user.revoked', userId: revocation.userId });
    });
  }

  async onModuleDestroy() {
    this.stopNotifications?.();
    await this.unsubscribe?.();
  }

  /** Drops cached answers about `userId`'s logins: the next check reads the database. */
  private forgetUser(userId: string) {
    if (this.forgottenAt.size > 10_000) this.forgottenAt.clear();
    this.forgottenAt.set(userId, ++this.forgets);
    for (const [id, entry] of this.cache) if (entry.userId === userId) this.cache.delete(id);
  }

  async isActive(sessionId: string): Promise<boolean> {
    const hit = this.cache.get(sessionId);
    const now = Date.now();
    if (hit && (!hit.active || now - hit.at < CACHE_MS)) return hit.active;
    const asked = this.forgets;
    const s = await this.prisma.session.findUnique({
      where: { id: sessionId },
      select: { revokedAt: true, expiresAt: true, userId: true },
    });
    // The answer may predate a revocation announced while it was read: read again.
    if (s && (this.forgottenAt.get(s.userId) ?? 0) > asked) return this.isActive(sessionId);
    const active = !!s && !s.revokedAt && s.expiresAt.getTime() > now;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(sessionId, { active, at: now, userId: s?.userId });
    return active;
  }

  /** Tells every node (this one included) of the change; this node's read caches learn it at once. */
  async announce(change: AuthChange): Promise<void> {
    if (change.kind === 'resync' || change.kind === 'user.revoked') return;
    if (change.kind === 'access.changed') this.clock.changed(change.workspaceId, true);
    else for (const id of change.sessionIds) this.cache.set(id, { active: false, at: Date.now() });
    await this.bus.publish(Channels.auth, change);
  }

  /** Subscribes to auth changes from any node (used by the socket gateways). */
  onChange(listener: (change: AuthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
