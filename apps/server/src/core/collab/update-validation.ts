// Checks a client's Yjs update before it may touch a live document. Decoding the whole update
// first catches truncated and garbage bytes (lib0 throws when a length points past the end);
// the bounds below refuse structurally valid updates whose clocks or lengths are absurd, which
// would otherwise poison the document's state vector for every later client.
import * as Y from 'yjs';

/** No honest client reaches this clock: ~2 billion operations from one client id. */
const MAX_CLOCK = 2 ** 31;

export class InvalidUpdate extends Error {}

export function validateUpdate(update: Uint8Array): void {
  if (update.length === 0) throw new InvalidUpdate('empty update');
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (err) {
    throw new InvalidUpdate(`undecodable update: ${(err as Error).message}`);
  }
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id;
    if (!Number.isSafeInteger(client) || client < 0) throw new InvalidUpdate('invalid client id');
    if (!(struct.length > 0) || clock + struct.length > MAX_CLOCK) throw new InvalidUpdate('struct clock or length out of range');
  }
  for (const [client, deletes] of decoded.ds.clients) {
    if (!Number.isSafeInteger(client) || client < 0) throw new InvalidUpdate('invalid client id in delete set');
    for (const d of deletes) if (d.len <= 0 || d.clock + d.len > MAX_CLOCK) throw new InvalidUpdate('delete range out of range');
  }
}

/** A state vector from a sync step 1; throws on garbage. */
export function readStateVector(bytes: Uint8Array): Uint8Array {
  try {
    Y.decodeStateVector(bytes);
  } catch (err) {
    throw new InvalidUpdate(`undecodable state vector: ${(err as Error).message}`);
  }
  return bytes;
}
