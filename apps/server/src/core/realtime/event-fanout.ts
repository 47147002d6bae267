// Turns domain events (from any node, via the bus) into room frames for this node's sockets. Each
// room frame is encoded once and the same bytes go to every socket in the room; sockets got into
// the room only through an authorized `sub`, and access changes re-check them (see the gateway).
// An event usually belongs to several rooms (task, project, workspace) and a socket is often in
// more than one of them: it receives the event once, named by the most specific of its rooms.
// A socket in a workspace room joined shallow gets the workspace's own events, not those of single
// tasks: in a big workspace those go to the people looking at the task or its project, not to all.
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { encodeFrame } from '@tandem/protocol';
import { type DomainEvent, DomainEvents } from '../../base/events/domain-events.js';
import { binaryFrame } from '../../base/http/ws-frame.js';
import { logger } from '../../base/logger/logger.js';
import type { SocketConnection } from './connection.js';
import { RoomRegistry } from './room-registry.js';

const log = logger('realtime');

/** The rooms an event belongs to, most specific first. */
export function roomsOf(event: DomainEvent): string[] {
  const rooms: string[] = [];
  if (event.taskId) rooms.push(`task:${event.taskId}`);
  if (event.documentId) rooms.push(`document:${event.documentId}`);
  if (event.projectId) rooms.push(`project:${event.projectId}`);
  if (event.workspaceId) rooms.push(`workspace:${event.workspaceId}`);
  for (const id of event.userIds ?? []) rooms.push(`user:${id}`);
  return rooms;
}

@Injectable()
export class EventFanout implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => Promise<void>;
  /** Numbers the events this node fans out; a socket remembers the last one it was sent. */
  private sequence = 0;
  delivered = 0;

  constructor(
    private readonly events: DomainEvents,
    private readonly registry: RoomRegistry,
  ) {}

  async onModuleInit() {
    this.unsubscribe = await this.events.subscribe((event) => {
      try {
        this.deliver(event);
      } catch (err) {
        log.error({ err, type: event?.type }, 'event delivery failed');
      }
    });
  }

  async onModuleDestroy() {
    await this.unsubscribe?.();
  }

  private deliver(event: DomainEvent) {
    const seq = ++this.sequence;
    if (event.type === 'notification.created') {
      // Notifications are private: only their recipient's own room, never a shared one.
      const frame = encodeFrame({ t: 'notification', data: event.data });
      for (const id of event.userIds ?? []) this.send(seq, this.registry.members(`user:${id}`), () => frame);
      return;
    }
    for (const room of roomsOf(event)) {
      // A task's event reaches a workspace room's members that did not join it shallow.
      const members = event.taskId && room.startsWith('workspace:') ? this.registry.deepMembers(room) : this.registry.members(room);
      this.send(seq, members, () => encodeFrame({ t: 'event', room, type: event.type, data: event.data }));
    }
  }

  /** Sends event `seq` to the sockets that have not had it yet; encodes only when one needs it. */
  private send(seq: number, members: ReadonlySet<SocketConnection> | undefined, encode: () => Uint8Array) {
    if (!members) return;
    let frame: Buffer | null = null;
    for (const conn of members) {
      if (conn.lastEvent === seq) continue;
      conn.lastEvent = seq;
      frame ??= binaryFrame(encode());
      conn.sendFrame(frame);
      this.delivered++;
    }
  }
}
