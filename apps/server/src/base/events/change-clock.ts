// Per-workspace change marks that let a node cache reads (task pages, access lookups) without ever
// serving them after a change it has heard of. Every domain event and every access change moves its
// workspace's mark: on the node that made the change synchronously, before the change's response
// is sent, and on every other node when the bus delivers it. A cached value is valid while no mark it
// depends on moved after the moment its read began (`now()` before the read, `fresh(at, …)` after).
// While the bus cannot reach every node nothing may be cached (another node's change could be
// missed), and after a resync every mark moves. READ_CACHE=false turns the caches off.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { BUS, type Bus, Channels } from '../bus/bus.js';
import { CONFIG, type Config } from '../config/config.js';

/** What a cached value depends on: the workspace's data (any change) or only who may access it. */
export type ChangeKind = 'data' | 'access';

/** Domain event types that can change who may see what (besides explicit `access.changed`). */
const ACCESS_EVENT = /^(workspace|project|member)\./;

@Injectable()
export class ChangeClock implements OnModuleInit, OnModuleDestroy {
  private tick = 1;
  private resyncedAt = 0;
  private readonly data = new Map<string, number>();
  private readonly access = new Map<string, number>();
  private readonly stops: Array<() => Promise<void>> = [];

  private readonly enabled: boolean;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CONFIG) config: Config,
  ) {
    this.enabled = config.READ_CACHE;
  }

  async onModuleInit() {
    this.stops.push(
      await this.bus.subscribe(Channels.domain, (m) => {
        const e = m as { type?: unknown; workspaceId?: unknown };
        if (typeof e.workspaceId === 'string' && typeof e.type === 'string') this.event(e.type, e.workspaceId);
      }),
      await this.bus.subscribe(Channels.auth, (m) => {
        const c = m as { kind?: unknown; workspaceId?: unknown };
        if (c.kind === 'access.changed' && typeof c.workspaceId === 'string') this.changed(c.workspaceId, true);
      }),
    );
    this.bus.onResync(() => {
      this.resyncedAt = ++this.tick;
    });
  }

  async onModuleDestroy() {
    for (const stop of this.stops.splice(0)) await stop();
  }

  /** Marks the change a domain event of `type` announces. */
  event(type: string, workspaceId: string) {
    this.changed(workspaceId, ACCESS_EVENT.test(type));
  }

  /** Marks a change in a workspace; `access` when it may change who can see what. */
  changed(workspaceId: string, access: boolean) {
    const t = ++this.tick;
    this.data.set(workspaceId, t);
    if (access) this.access.set(workspaceId, t);
  }

  /** The moment to pass to `fresh` once the read has finished; null when reads must not be cached. */
  now(): number | null {
    return this.enabled && this.bus.healthy() ? this.tick : null;
  }

  /** Whether a value read from `at` on, in `workspaceId`, is still current. */
  fresh(at: number, workspaceId: string, kind: ChangeKind): boolean {
    if (at < this.resyncedAt || !this.bus.healthy()) return false;
    return ((kind === 'data' ? this.data : this.access).get(workspaceId) ?? 0) <= at;
  }
}
