// Frames written to one socket in one turn of the event loop leave together, in order.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { binaryFrame, writeCoalesced } from '../../apps/server/src/base/http/ws-frame.js';

/** A socket stand-in recording each write it is asked to do as one call (one system call on a real one). */
function recordingSocket() {
  const calls: Buffer[][] = [];
  const socket = new Writable({
    write(chunk: Buffer, _enc, done) {
      calls.push([chunk]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map((c) => c.chunk as Buffer));
      done();
    },
  });
  return { socket, calls };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesced frame writes', () => {
  it('sends every frame a socket gets in one turn in one write, in order, and later turns apart', async () => {
    const a = recordingSocket();
    const b = recordingSocket();
    const frames = ['one', 'two', 'three'].map((m) => binaryFrame(Buffer.from(m)));
    for (const f of frames) {
      writeCoalesced(a.socket as never, f);
      writeCoalesced(b.socket as never, f);
    }
    // Nothing left yet: held until the turn ends.
    expect(a.calls).toEqual([]);
    await turn();
    expect(a.calls).toEqual([frames]);
    expect(b.calls).toEqual([frames]);

    writeCoalesced(a.socket as never, frames[0]!);
    await turn();
    writeCoalesced(a.socket as never, frames[1]!);
    await turn();
    expect(a.calls).toEqual([frames, [frames[0]], [frames[1]]]);
    expect(a.socket.writableCorked).toBe(0);
  });

  it('keeps a write made directly on the socket in the same turn (a reply through ws) in its place', async () => {
    const { socket, calls } = recordingSocket();
    const [event, reply, presence] = ['event', 'reply', 'presence'].map((m) => binaryFrame(Buffer.from(m)));
    writeCoalesced(socket as never, event!);
    // ws corks and uncorks around a frame written in two parts; our hold outlasts it.
    socket.cork();
    socket.write(reply);
    socket.uncork();
    writeCoalesced(socket as never, presence!);
    await turn();
    expect(calls).toEqual([[event, reply, presence]]);
  });
});
