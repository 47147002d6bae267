// WebSocket frames built once for many receivers: /ws and /collab broadcasts write the same bytes to
// every receiving socket instead of `ws` framing the message anew for each.
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
