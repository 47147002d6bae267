// A big room's presence frames go out a slice at a time, in order, and only to sockets still in it.
import { describe, expect, it } from 'vitest';
import type { SocketConnection } from '../../apps/server/src/core/realtime/connection.js';
import { SEND_SLICE, SlicedSends } from '../../apps/server/src/core/realtime/sliced-sends.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

function socket(rooms: string[]) {
  const got: string[] = [];
  const conn = { rooms: new Map(rooms.map((r) => [r, {}])), sendFrame: (f: Buffer) => got.push(f.toString()) };
  return { conn: conn as unknown as SocketConnection, got, rooms: conn.rooms };
}

describe('sliced sends', () => {
  it('writes a slice now and the rest in later turns, every socket its frames in order', async () => {
    const sockets = Array.from({ length: SEND_SLICE * 2 + 10 }, () => socket(['workspace:w']));
    const sends = new SlicedSends();
    for (const s of sockets) sends.add(s.conn, 'workspace:w', Buffer.from('first'));
    for (const s of sockets) sends.add(s.conn, 'workspace:w', Buffer.from('second'));
    sends.flush();
    // One slice written before anything else may run.
    expect(sockets.reduce((n, s) => n + s.got.length, 0)).toBe(SEND_SLICE);
    while (sends.pending > 0) await turn();
    for (const s of sockets) expect(s.got).toEqual(['first', 'second']);
  });

  it('skips a socket that left the room while its frame waited', async () => {
    const sockets = Array.from({ length: SEND_SLICE + 1 }, () => socket(['project:p']));
    const sends = new SlicedSends();
    for (const s of sockets) sends.add(s.conn, 'project:p', Buffer.from('presence'));
    sends.flush();
    const last = sockets.at(-1)!;
    last.rooms.delete('project:p');
    while (sends.pending > 0) await turn();
    expect(last.got).toEqual([]);
    expect(sockets[0]!.got).toEqual(['presence']);
  });
});
