// Presence frames wait for a socket's next write and go out in it; what nothing picks up goes out on
// its own when its hold ends, a slice of sockets at a time, in order, and only to sockets still in
// the room. Real SocketConnections over a socket that records its writes.
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketConnection } from '../../apps/server/src/core/realtime/connection.js';
import { HeldFrames, SEND_SLICE } from '../../apps/server/src/core/realtime/held-frames.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));
let keys = 0;

/** A joined socket whose writes are recorded, each as the frames' text joined by '+'. */
function socket(rooms: string[]) {
  const writes: string[] = [];
  const ws = { readyState: 1, bufferedAmount: 0 } as unknown as WebSocket;
  const raw = { write: (b: Buffer) => writes.push(b.toString().split('|').filter(Boolean).join('+')) } as unknown as Duplex;
  const conn = new SocketConnection(++keys, ws, 'u', 's', raw);
  conn.rooms = new Map(rooms.map((r) => [r, { workspaceId: 'w', role: 'editor' }]));
  return { conn, writes };
}
const f = (text: string) => Buffer.from(`${text}|`);

describe('held presence frames', () => {
  it("go out in the socket's next write, before the frame written", () => {
    const s = socket(['project:p']);
    const held = new HeldFrames();
    held.add(s.conn, 'project:p', f('presence 1'), 1000);
    held.add(s.conn, 'project:p', f('presence 2'), 1000);
    held.release();
    expect(s.writes).toEqual([]);
    s.conn.sendFrame(f('event'));
    expect(s.writes).toEqual(['presence 1+presence 2+event']);
    // Nothing is left to go out on its own.
    held.release(Date.now() + 5000);
    expect(s.writes).toHaveLength(1);
    held.stop();
  });

  it('go out on their own when the hold ends with nothing written', async () => {
    const s = socket(['project:p']);
    const held = new HeldFrames();
    held.add(s.conn, 'project:p', f('presence'), 80);
    held.release();
    expect(s.writes).toEqual([]);
    // The held frames are checked again without anyone asking.
    const deadline = Date.now() + 2000;
    while (s.writes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(s.writes).toEqual(['presence']);
    held.stop();
  });

  it('with no hold, write a slice of sockets now and the rest in later turns, every socket its frames in order', async () => {
    const sockets = Array.from({ length: SEND_SLICE * 2 + 10 }, () => socket(['workspace:w']));
    const held = new HeldFrames();
    for (const s of sockets) held.add(s.conn, 'workspace:w', f('first'), 0);
    for (const s of sockets) held.add(s.conn, 'workspace:w', f('second'), 0);
    held.release();
    // One slice written before anything else may run.
    expect(sockets.reduce((n, s) => n + s.writes.length, 0)).toBe(SEND_SLICE);
    while (held.pending > 0) await turn();
    for (const s of sockets) expect(s.writes).toEqual(['first+second']);
    held.stop();
  });

  it('skip a socket that left the room while they waited, and the frames of a room joined again', async () => {
    const left = socket(['project:p']);
    const rejoined = socket(['project:p', 'project:q']);
    const held = new HeldFrames();
    held.add(left.conn, 'project:p', f('presence'), 0);
    held.add(rejoined.conn, 'project:p', f('old p'), 1000);
    held.add(rejoined.conn, 'project:q', f('q'), 1000);
    left.conn.rooms?.delete('project:p');
    rejoined.conn.forgetHeld('project:p');
    held.release();
    while (held.pending > 0) await turn();
    expect(left.writes).toEqual([]);
    rejoined.conn.sendFrame(f('event'));
    expect(rejoined.writes).toEqual(['q+event']);
    held.stop();
  });

  it('are dropped, not written, for a socket that closed', () => {
    const s = socket(['project:p']);
    const held = new HeldFrames();
    held.add(s.conn, 'project:p', f('presence'), 0);
    (s.conn.ws as { readyState: number }).readyState = 3;
    held.release();
    expect(s.writes).toEqual([]);
    expect(s.conn.holding).toBe(false);
    held.stop();
  });
});
