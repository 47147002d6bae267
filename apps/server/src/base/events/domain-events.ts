// Domain events: emitted once after a mutation commits, carried by the bus to every node, where the
// realtime gateway turns them into room messages. Nothing reaches a socket the database does not hold.
import { Inject, Injectable } from '@nestjs/common';
import { BUS, type Bus, Channels } from '../bus/bus.js';
import { ChangeClock } from './change-clock.js';

export interface DomainEvent {
  /** `<entity>.<verb>`, e.g. `task.updated`. */
  type: string;
  workspaceId: string;
  projectId?: string | null;
  taskId?: string | null;
  documentId?: string | null;
  actorId: string | null;
  /** What a client needs to update its cache without refetching. */
  data: unknown;
  /** Users the event concerns directly (e.g. notification recipients). */
  userIds?: string[];
  at: string;
}

@Injectable()
export class DomainEvents {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly clock: ChangeClock,
  ) {}

  async emit(event: Omit<DomainEvent, 'at'>): Promise<void> {
    // This node's read caches learn of the change before the mutation answers; other nodes via the bus.
    this.clock.event(event.type, event.workspaceId);
    await this.bus.publish(Channels.domain, { ...event, at: new Date().toISOString() });
  }

  async subscribe(handler: (event: DomainEvent) => void) {
    return this.bus.subscribe(Channels.domain, (m) => handler(m as DomainEvent));
  }
}
