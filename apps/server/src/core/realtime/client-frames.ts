// What each client frame does, after the gateway admitted it (rate) and decoded it (schema).
// Every frame is authorized again: joins through the permission policy, presence only into rooms
// this socket joined, and a viewer cannot claim to be typing (they could not write by REST either).
import { Inject, Injectable } from '@nestjs/common';
import {
  type ClientFrame,
  decodeClientFrame,
  type ErrorCode,
  encodeFrame,
  type PresenceState,
  parseRoom,
  roleAtLeast,
} from '@tandem/protocol';
import { CONFIG, type Config } from '../../base/config/config.js';
import { logger } from '../../base/logger/logger.js';
import type { RoomGrant, SocketConnection } from './connection.js';
import { PresenceTracker } from './presence.js';
import { type JoinOptions, RoomRegistry } from './room-registry.js';
import { SocketDirectory } from './socket-directory.js';

const log = logger('realtime');
const PONG = encodeFrame({ t: 'pong' });

export function errorFrame(code: ErrorCode, message: string, ref?: string): Uint8Array {
  return encodeFrame(ref === undefined ? { t: 'error', code, message } : { t: 'error', code, ref, message });
}

@Injectable()
export class ClientFrames {
  /** Bumped on every access change seen by this node: a join that raced one is authorized again. */
  accessGeneration = 0;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly registry: RoomRegistry,
    private readonly presence: PresenceTracker,
    private readonly directory: SocketDirectory,
  ) {}

  /** Handles one raw frame; returns a promise only when the frame needs I/O (the caller keeps order). */
  handle(conn: SocketConnection, data: Buffer): Promise<void> | undefined {
    const decoded = decodeClientFrame(data);
    if (!decoded.ok) {
      conn.send(errorFrame(decoded.code, decoded.message, decoded.ref));
      return undefined;
    }
    const frame = decoded.frame;
    switch (frame.t) {
      case 'ping':
        conn.send(PONG);
        return undefined;
      case 'unsub':
        this.directory.leave(conn, frame.room);
        return undefined;
      case 'presence':
        this.setPresence(conn, frame);
        return undefined;
      case 'c': {
        const room = this.registry.roomByNumber(frame.r);
        if (!room || !conn.rooms?.has(room)) {
          conn.send(errorFrame('not_found', 'Join the room before sending a cursor to it'));
          return undefined;
        }
        this.presence.cursor(conn, room, frame.a, frame.h);
        return undefined;
      }
      case 'sub':
        return this.join(conn, frame.room, { shallow: frame.shallow === true, diff: frame.diff === true }).catch((err) => {
          log.error({ err, room: frame.room }, 'room join failed');
          conn.send(errorFrame('internal', 'Could not join the room', frame.room));
        });
    }
  }

  private async join(conn: SocketConnection, room: string, opts: JoinOptions): Promise<void> {
    const held = conn.rooms?.get(room);
    if (held) {
      this.registry.setOptions(conn, room, opts);
      conn.send(this.subbed(room, held, conn));
      return;
    }
    if ((conn.rooms?.size ?? 0) >= this.config.WS_MAX_ROOMS_PER_SOCKET) {
      conn.send(errorFrame('bad_request', `At most ${this.config.WS_MAX_ROOMS_PER_SOCKET} rooms per socket`, room));
      return;
    }
    let grant: RoomGrant | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const generation = this.accessGeneration;
      grant = await this.registry.authorize(conn.userId, room);
      if (generation === this.accessGeneration) break;
    }
    if (!conn.open) return; // closed or revoked while we asked
    if (!grant) {
      conn.send(errorFrame('not_found', 'Room not found', room));
      return;
    }
    this.registry.join(conn, room, grant, opts);
    conn.forgetHeld(room); // from before it last left: the list sent now supersedes them
    conn.send(this.subbed(room, grant, conn));
    const present = this.presence.frame(room);
    if (present) conn.send(present);
  }

  private subbed(room: string, grant: RoomGrant, conn: SocketConnection): Uint8Array {
    const n = parseRoom(room)?.kind === 'user' ? undefined : this.registry.number(room);
    const shallow = this.registry.shallowMembers(room)?.has(conn) === true;
    return encodeFrame({
      t: 'subbed',
      room,
      ...(grant.role ? { role: grant.role } : {}),
      ...(n ? { n } : {}),
      ...(shallow ? { shallow: true as const } : {}),
    });
  }

  private setPresence(conn: SocketConnection, frame: Extract<ClientFrame, { t: 'presence' }>) {
    const grant = conn.rooms?.get(frame.room);
    if (!grant) {
      conn.send(errorFrame('not_found', 'Join the room before sending presence to it', frame.room));
      return;
    }
    if (parseRoom(frame.room)?.kind === 'user') {
      conn.send(errorFrame('bad_request', 'Personal rooms have no presence', frame.room));
      return;
    }
    this.presence.set(conn, frame.room, this.allowedState(grant, frame.state));
  }

  /** The part of a state the grant's role may show. */
  allowedState(grant: RoomGrant, state: PresenceState): PresenceState {
    if (state.typing && !roleAtLeast(grant.role, 'editor')) return { ...state, typing: false };
    return state;
  }
}
