// The realtime gateway (/ws): rooms, presence, live domain events and notifications, revocations.
import { Module } from '@nestjs/common';
import { AccessWatcher } from './access-watcher.js';
import { ClientFrames } from './client-frames.js';
import { EventFanout } from './event-fanout.js';
import { PresenceTracker } from './presence.js';
import { RoomRegistry } from './room-registry.js';
import { SocketDirectory } from './socket-directory.js';
import { SocketGateway } from './socket-gateway.js';

@Module({
  providers: [RoomRegistry, PresenceTracker, SocketDirectory, ClientFrames, EventFanout, AccessWatcher, SocketGateway],
  exports: [PresenceTracker, SocketDirectory],
})
export class RealtimeModule {}
