// Domain events: emitted once after a mutation commits, carried by the bus to every node, where the
// realtime gateway turns them into room messages. Nothing reaches a socket the database does not hold.
import { Inject, Injectable } from '@nestjs/common';
import { BUS, type Bus, Channels } from '../bus/bus.js';

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
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async emit(event: Omit<DomainEvent, 'at'>): Promise<void> {
    await this.bus.publish(Channels.domain, { ...event, at: new Date().toISOString() });
  }

  async subscribe(handler: (event: DomainEvent) => void) {
    return this.bus.subscribe(Channels.domain, (m) => handler(m as DomainEvent));
  }
}
