// Broadcast frames for many sockets, written a slice at a time. Writing a frame costs a system call
// per socket (~30 µs with the kernel's share on a small VM), so a frame for a room of 5,000 is ~150 ms
// of writes: sent in one go, every request and event behind it waits that long. Slices of
// SEND_SLICE frames with the event loop let in between keep each wait to a few milliseconds.
import type { SocketConnection } from './connection.js';

/** Frames written before requests and events get a turn (~5 ms of writes). */
export const SEND_SLICE = 200;

export class SlicedSends {
  /** Queued sends, first in first out: socket, the room it must still be in, frame. */
  private readonly queue: [SocketConnection, string, Buffer][] = [];
  private head = 0;
  private scheduled: NodeJS.Immediate | null = null;

  /** Frames queued and not yet written. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Queues `frame` for `conn`, written while `conn` is still in `room`; order between sends is kept. */
  add(conn: SocketConnection, room: string, frame: Buffer): void {
    this.queue.push([conn, room, frame]);
  }

  /** Writes the first slice now and the rest in later turns of the event loop. */
  flush(): void {
    if (this.scheduled) return;
    const end = Math.min(this.queue.length, this.head + SEND_SLICE);
    for (; this.head < end; this.head++) {
      const [conn, room, frame] = this.queue[this.head]!;
      if (conn.rooms?.has(room)) conn.sendFrame(frame);
    }
    if (this.head >= this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      return;
    }
    // Never drained empty while busy: drop what was written from the front now and then.
    if (this.head > 10_000 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.flush();
    });
  }

  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.queue.length = 0;
    this.head = 0;
  }
}
