// WebSocket frames built once for many receivers: /ws and /collab broadcasts write the same bytes to
// every receiving socket instead of `ws` framing the message anew for each.
import type { Duplex } from 'node:stream';
/**
 * The WebSocket frame that carries one message as a server sends it (RFC 6455: final fragment,
 * binary, unmasked). A broadcast builds it once and writes the same bytes to every receiver's
 * socket, instead of `ws` framing the message anew for each.
 */
export function binaryFrame(message: Uint8Array): Buffer {
  const length = message.byteLength;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x82; // FIN | opcode 2 (binary)
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(message, header);
  return frame;
}

/** Sockets corked by `writeCoalesced` this turn of the event loop, uncorked together after it. */
const corked: Duplex[] = [];
let flushScheduled = false;

function uncorkAll() {
  flushScheduled = false;
  for (const socket of corked.splice(0)) socket.uncork();
}

/**
 * Writes `frame` to `socket`, held (corked) until the event loop's current turn ends: every frame a
 * socket gets in one turn (events of several writes answered together, a presence batch, its own
 * replies through `ws`, which writes to the same socket) leaves in one system call, not one each.
 * Order is kept; nothing waits for a timer (the flush is a setImmediate of the same turn).
 */
export function writeCoalesced(socket: Duplex, frame: Buffer): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    corked.push(socket);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(uncorkAll);
    }
  }
  socket.write(frame);
}
