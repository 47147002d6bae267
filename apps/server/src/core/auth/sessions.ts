// Whether a login (session) is still valid, asked on every authenticated request and socket frame
// batch. Answers are cached briefly; revocations reach every node's cache at once through the bus,
// and every node's sockets of that session are closed by both socket gateways (/ws and /collab),
// which learn every revocation through `onChange` only: when the bus lost messages (a Redis outage),
// `onChange` delivers a `resync`, and each gateway re-checks every socket it holds.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { BUS, type Bus, Channels } from '../../base/bus/bus.js';
import { PrismaClient } from '../../base/database/database.js';
import { ChangeClock } from '../../base/events/change-clock.js';

export type AuthChange =
  | { kind: 'session.revoked'; sessionIds: string[]; userId: string }
  /** A user's access to a workspace/project/document changed (demotion, removal, share change). */
  | { kind: 'access.changed'; userId: string; workspaceId: string }
  /** The bus may have lost revocations (reconnect after an outage): re-check every socket. */
  | { kind: 'resync' };

const CACHE_MS = 30_000;

@Injectable()
export class SessionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, { active: boolean; at: number }>();
  private readonly listeners = new Set<(change: AuthChange) => void>();
  private unsubscribe?: () => Promise<void>;

  constructor(
    private readonly prisma: PrismaClient,
    @Inject(BUS) private readonly bus: Bus,
    private readonly clock: ChangeClock,
  ) {}

  async onModuleInit() {
    this.unsubscribe = await this.bus.subscribe(Channels.auth, (m) => {
      const change = m as AuthChange;
      if (change.kind === 'session.revoked') for (const id of change.sessionIds) this.cache.set(id, { active: false, at: Date.now() });
      for (const l of this.listeners) l(change);
    });
    this.bus.onResync(() => {
      // Cached answers may predate a revocation lost in the outage: forget them before anyone re-checks.
      this.cache.clear();
      for (const l of this.listeners) l({ kind: 'resync' });
    });
  }

  async onModuleDestroy() {
    await this.unsubscribe?.();
  }

  async isActive(sessionId: string): Promise<boolean> {
    const hit = this.cache.get(sessionId);
    const now = Date.now();
    if (hit && (!hit.active || now - hit.at < CACHE_MS)) return hit.active;
    const s = await this.prisma.session.findUnique({ where: { id: sessionId }, select: { revokedAt: true, expiresAt: true } });
    const active = !!s && !s.revokedAt && s.expiresAt.getTime() > now;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(sessionId, { active, at: now });
    return active;
  }

  /** Tells every node (this one included) of the change; this node's read caches learn it at once. */
  async announce(change: AuthChange): Promise<void> {
    if (change.kind === 'resync') return;
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
