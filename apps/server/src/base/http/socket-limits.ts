// The caps every socket kind shares (/ws and /collab alike), in one place: how many sockets one
// user may hold open on this node per kind (WS_MAX_SOCKETS_PER_USER) and how many frames one socket
// may send per second (WS_MAX_FRAMES_PER_SECOND on /ws, COLLAB_MAX_UPDATES_PER_SECOND on /collab). Each gateway decides what exceeding the rate
// means for its protocol (/ws warns first; /collab closes, and its client resends on reconnect).
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';

export type SocketKind = 'ws' | 'collab';

/** A one-second window of frames for one socket. Plain numbers: a node holds tens of thousands. */
export class FrameWindow {
  start = 0;
  count = 0;

  /** Counts one frame at `now` (ms); true while the socket stays within `limit` frames per second. */
  hit(now: number, limit: number): boolean {
    if (now - this.start >= 1000) {
      this.start = now;
      this.count = 0;
    }
    return ++this.count <= limit;
  }
}

@Injectable()
export class SocketLimits {
  private readonly open: Record<SocketKind, Map<string, number>> = { ws: new Map(), collab: new Map() };

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  get framesPerSecond(): number {
    return this.config.WS_MAX_FRAMES_PER_SECOND;
  }

  /** Yjs updates per second one /collab connection may send (COLLAB_MAX_UPDATES_PER_SECOND). */
  get updatesPerSecond(): number {
    return this.config.COLLAB_MAX_UPDATES_PER_SECOND;
  }

  /** Sockets of this kind open for `userId` on this node. */
  countOf(kind: SocketKind, userId: string): number {
    return this.open[kind].get(userId) ?? 0;
  }

  /** Takes one socket slot for `userId`; false (nothing taken) when the user is at the cap. */
  acquire(kind: SocketKind, userId: string): boolean {
    const n = this.countOf(kind, userId);
    if (n >= this.config.WS_MAX_SOCKETS_PER_USER) return false;
    this.open[kind].set(userId, n + 1);
    return true;
  }

  /** Gives back a slot taken by `acquire`, once per socket. */
  release(kind: SocketKind, userId: string): void {
    const n = this.countOf(kind, userId);
    if (n <= 1) this.open[kind].delete(userId);
    else this.open[kind].set(userId, n - 1);
  }
}
