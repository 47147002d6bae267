// Presence frames on their way to sockets. On a busy node the cost of a broadcast is its socket
// writes (a system call each), and a big room's presence change goes to every member. So a presence
// frame may wait, up to a hold its sender chooses, for the socket's next write (a live event, a
// cursor) and go out in that same write; only when nothing else is written in time does it go out
// on its own (at 5,000 people about 3 in 4 presence frames rode along, docs/operations.md). Frames
// due at once are written a slice at a time with the event loop let in between: a room of 5,000 is
// ~150 ms of writes on a small VM, and every request and event would wait behind it.
import type { SocketConnection } from './connection.js';

/** Sockets written before requests and events get a turn (~5 ms of writes). */
export const SEND_SLICE = 200;
/** How often held frames are checked for being due. */
const TICK_MS = 50;

export class HeldFrames {
  /** Sockets holding frames. */
  private readonly holding = new Set<SocketConnection>();
  /** Sockets whose held frames are due, first in first out. */
  private readonly due: SocketConnection[] = [];
  private head = 0;
  private writing: NodeJS.Immediate | null = null;
  private ticker: NodeJS.Timeout | null = null;

  /** Sockets whose held frames are due and not yet written. */
  get pending(): number {
    return this.due.length - this.head;
  }

  /**
   * Holds `frame` for `conn` for at most `holdMs` (0: written with the next `release`); it is written
   * only while `conn` is still in `room`, after the frames held before it.
   */
  add(conn: SocketConnection, room: string, frame: Buffer, holdMs: number, now = Date.now()): void {
    conn.hold(room, frame, now + holdMs);
    this.holding.add(conn);
  }

  /** Writes what is due now (the first slice at once, the rest in later turns) and keeps checking the rest. */
  release(now = Date.now()): void {
    for (const conn of this.holding) {
      if (!conn.holding)
        this.holding.delete(conn); // its frames went out with another write
      else if (conn.heldUntil <= now) {
        this.holding.delete(conn);
        this.due.push(conn);
      }
    }
    this.write();
    if (this.holding.size > 0 && !this.ticker) {
      this.ticker = setTimeout(() => {
        this.ticker = null;
        this.release();
      }, TICK_MS);
      this.ticker.unref();
    }
  }

  private write(): void {
    if (this.writing) return;
    const end = Math.min(this.due.length, this.head + SEND_SLICE);
    for (; this.head < end; this.head++) this.due[this.head]!.writeHeld();
    if (this.head >= this.due.length) {
      this.due.length = 0;
      this.head = 0;
      return;
    }
    // Never drained empty while busy: drop what was written from the front now and then.
    if (this.head > 10_000 && this.head * 2 > this.due.length) {
      this.due.splice(0, this.head);
      this.head = 0;
    }
    this.writing = setImmediate(() => {
      this.writing = null;
      this.write();
    });
  }

  stop(): void {
    if (this.writing) clearImmediate(this.writing);
    if (this.ticker) clearTimeout(this.ticker);
    this.writing = null;
    this.ticker = null;
    this.holding.clear();
    this.due.length = 0;
    this.head = 0;
  }
}
