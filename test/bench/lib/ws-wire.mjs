// Raw WebSocket client for load generation: a hand-made handshake over net, pre-encoded masked
// frames, and a frame walker that counts what arrives without copying or decoding payloads.
// A full `ws` client per simulated user would cost the generator more than the server it measures.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

const ZERO_MASK = Buffer.alloc(4);

/**
 * A client→server binary frame. The mask key is zero (XOR with zero leaves the payload as is), which
 * servers must accept; it lets one buffer be built once and written many times.
 */
export function clientFrame(payload, opcode = 0x2) {
  const len = payload.length;
  let header;
  if (len < 126) {
    header = Buffer.from([0x80 | opcode, 0x80 | len]);
  } else if (len < 65536) {
    header = Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, ZERO_MASK, payload]);
}

/**
 * Opens a WebSocket over a plain TCP socket. Resolves once the server answered 101; rejects with the
 * HTTP status line otherwise. `onFrame(opcode, length)` sees every server data frame's header;
 * `onMessage(payload)`, when given, receives data frames' payloads (only for the few clients that
 * must read what arrives).
 */
export function openRawSocket({ host = '127.0.0.1', port, path, localAddress, onFrame, onMessage, onClose }) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, localAddress });
    socket.setNoDelay(true);
    const key = randomBytes(16).toString('base64');
    let handshake = Buffer.alloc(0);
    let open = false;
    const walker = new FrameWalker(socket, onFrame, onMessage);
    const stats = walker.stats;
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      if (open) return walker.push(chunk);
      handshake = Buffer.concat([handshake, chunk]);
      const end = handshake.indexOf('\r\n\r\n');
      if (end < 0) return;
      const statusLine = handshake.subarray(0, handshake.indexOf('\r\n')).toString();
      if (!/^HTTP\/1\.1 101/.test(statusLine)) {
        socket.destroy();
        const body = handshake.subarray(end + 4).toString();
        return reject(new Error(`${statusLine} ${body}`.trim()));
      }
      open = true;
      resolve({ socket, stats, send: (frame) => socket.write(frame), close: () => socket.destroy() });
      if (handshake.length > end + 4) walker.push(handshake.subarray(end + 4));
    });
    socket.on('error', (err) => {
      stats.errors++;
      if (!open) reject(err);
    });
    socket.on('close', () => {
      stats.closed = true;
      if (!open) reject(new Error('socket closed before the handshake completed'));
      onClose?.();
    });
  });
}

/** Walks server→client frames across chunk boundaries; answers pings; counts frames and bytes. */
class FrameWalker {
  stats = { frames: 0, bytes: 0, errors: 0, closed: false, closeCode: 0 };
  #header = Buffer.alloc(0);
  #skip = 0;
  #control = null;
  #message = null;

  constructor(socket, onFrame, onMessage) {
    this.socket = socket;
    this.onFrame = onFrame;
    this.onMessage = onMessage;
  }

  push(chunk) {
    this.stats.bytes += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        if (this.#control) this.#control.parts.push(chunk.subarray(i, i + n));
        else if (this.#message) this.#message.push(chunk.subarray(i, i + n));
        this.#skip -= n;
        i += n;
        if (this.#skip === 0) this.#finish();
        continue;
      }
      // Headers are at most 10 bytes (server frames are unmasked); gather them across chunks.
      const need = Math.min(10, chunk.length - i);
      const head = this.#header.length ? Buffer.concat([this.#header, chunk.subarray(i, i + need)]) : chunk.subarray(i, i + need);
      const parsed = parseHeader(head);
      if (!parsed) {
        this.#header = Buffer.from(head);
        i += need;
        continue;
      }
      i += parsed.headerLength - this.#header.length;
      this.#header = Buffer.alloc(0);
      this.#begin(parsed.opcode, parsed.length);
    }
  }

  #begin(opcode, length) {
    if (opcode === 0x2 || opcode === 0x1) {
      this.stats.frames++;
      this.onFrame?.(opcode, length);
      if (this.onMessage) this.#message = [];
    } else if (opcode >= 0x8) {
      this.#control = { opcode, parts: [] };
    }
    this.#skip = length;
    if (length === 0) this.#finish();
  }

  #finish() {
    if (this.#control) return this.#finishControl();
    if (this.#message) {
      const parts = this.#message;
      this.#message = null;
      this.onMessage(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    }
  }

  #finishControl() {
    const { opcode, parts } = this.#control;
    this.#control = null;
    const payload = Buffer.concat(parts);
    if (opcode === 0x9) this.socket.write(clientFrame(payload, 0xa));
    if (opcode === 0x8) {
      this.stats.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.socket.end(clientFrame(payload.subarray(0, 2), 0x8));
    }
  }
}

function parseHeader(b) {
  if (b.length < 2) return null;
  const opcode = b[0] & 0x0f;
  const short = b[1] & 0x7f;
  if (short < 126) return { opcode, length: short, headerLength: 2 };
  if (short === 126) return b.length < 4 ? null : { opcode, length: b.readUInt16BE(2), headerLength: 4 };
  return b.length < 10 ? null : { opcode, length: Number(b.readBigUInt64BE(2)), headerLength: 10 };
}
