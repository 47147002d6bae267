// One authenticated /ws socket. Kept deliberately small (a process holds ~20k of them): no timers,
// no closures per socket, rooms allocated on the first join. Liveness and rate are plain numbers
// read by the gateway's single sweep.
import type { Duplex } from 'node:stream';
import type { Role } from '@tandem/protocol';
import type { WebSocket } from 'ws';
import { FrameWindow } from '../../base/http/socket-limits.js';

/** What a socket was granted when it joined a room; re-checked when that user's access changes. */
export interface RoomGrant {
  /** The workspace the room belongs to (null for the socket's own `user:` room). */
  workspaceId: string | null;
  role: Role | null;
}

/** Above this many unsent bytes a socket is too slow to follow its rooms and is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class SocketConnection {
  rooms: Map<string, RoomGrant> | null = null;
  /** ms timestamp of the last frame or pong. */
  lastSeen = Date.now();
  /** When the sweep pinged this socket without an answer yet (0: not waiting for a pong). */
  pingedAt = 0;
  /** Frame-rate window (shared mechanism with /collab), and when the socket was last warned. */
  readonly frames = new FrameWindow();
  warnedAt = 0;
  /** Frames waiting while an earlier frame of this socket is still being authorized (order kept). */
  queue: Buffer[] | null = null;
  /** The fan-out number of the last event this socket was sent: an event reaching several of its rooms goes out once. */
  lastEvent = 0;
  /** Presence frames waiting to share this socket's next write (see HeldFrames): room, frame. */
  private held: [string, Buffer][] | null = null;
  /** When the held frames go out on their own at the latest (ms timestamp). */
  heldUntil = 0;

  constructor(
    readonly key: number,
    readonly ws: WebSocket,
    readonly userId: string,
    readonly sessionId: string,
    /** The upgraded socket under `ws`, for frames built once per broadcast (see sendFrame). */
    private readonly socket: Duplex,
  ) {}

  get open(): boolean {
    return this.ws.readyState === 1;
  }

  /** Sends an already encoded frame. */
  send(frame: Uint8Array): void {
    if (this.writable()) this.ws.send(frame, { binary: true });
  }

  /**
   * Writes a broadcast's prebuilt WebSocket frame (`binaryFrame`: the same bytes for every receiver of
   * a room message) straight to the socket, after any held presence frames, in the same write. Safe
   * next to `ws`'s own writes: without compression (perMessageDeflate is off) `ws` writes each of its
   * frames synchronously, so frames never interleave, and nothing is written once the socket is no
   * longer OPEN. `bufferedAmount` counts these bytes too.
   */
  sendFrame(frame: Buffer): void {
    if (this.writable()) this.socket.write(this.held ? this.takeHeld(frame)! : frame);
  }

  /** Keeps a prebuilt frame for `room` until this socket's next write, or until `until` at the latest. */
  hold(room: string, frame: Buffer, until: number): void {
    if (!this.held) {
      this.held = [];
      this.heldUntil = until;
    } else if (until < this.heldUntil) {
      this.heldUntil = until;
    }
    this.held.push([room, frame]);
  }

  get holding(): boolean {
    return this.held !== null;
  }

  /** Writes the held frames on their own (their wait is over). */
  writeHeld(): void {
    if (!this.held) return;
    if (!this.writable()) {
      this.held = null;
      return;
    }
    const frames = this.takeHeld(null);
    if (frames) this.socket.write(frames);
  }

  /** Drops the frames held for `room` (joined again: the list it is sent now supersedes them). */
  forgetHeld(room: string): void {
    if (!this.held) return;
    this.held = this.held.filter(([r]) => r !== room);
    if (this.held.length === 0) this.held = null;
  }

  /** The held frames of rooms this socket is still in, then `last`, as one buffer; nothing is held after. */
  private takeHeld(last: Buffer | null): Buffer | null {
    const parts: Buffer[] = [];
    for (const [room, frame] of this.held ?? []) if (this.rooms?.has(room)) parts.push(frame);
    this.held = null;
    if (last) parts.push(last);
    return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private writable(): boolean {
    if (!this.open) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.close(1008, 'Too slow to keep up');
      return false;
    }
    return true;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState <= 1) this.ws.close(code, reason);
  }
}
