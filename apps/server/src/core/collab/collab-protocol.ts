// The y-websocket wire format (y-protocols sync + awareness), encoded by hand so each outgoing
// message is built once and the same buffer (down to its WebSocket frame) goes to every receiver.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

export type CollabMessage =
  | { type: 'sync'; sync: number; payload: Uint8Array }
  | { type: 'awareness'; payload: Uint8Array }
  | { type: 'queryAwareness' }
  | { type: 'other'; code: number };

/** Throws on anything that is not a well-formed y-websocket message. */
export function readMessage(data: Uint8Array): CollabMessage {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MessageType.sync: {
      const sync = decoding.readVarUint(decoder);
      if (sync > SyncType.update) throw new Error(`unknown sync message ${sync}`);
      return { type: 'sync', sync, payload: decoding.readVarUint8Array(decoder) };
    }
    case MessageType.awareness:
      return { type: 'awareness', payload: decoding.readVarUint8Array(decoder) };
    case MessageType.queryAwareness:
      return { type: 'queryAwareness' };
    default:
      return { type: 'other', code: type };
  }
}

function syncMessage(sync: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, sync);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const syncStep1Message = (stateVector: Uint8Array) => syncMessage(SyncType.step1, stateVector);
export const syncStep2Message = (update: Uint8Array) => syncMessage(SyncType.step2, update);
export const updateMessage = (update: Uint8Array) => syncMessage(SyncType.update, update);

export function awarenessMessage(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, awarenessUpdate);
  return encoding.toUint8Array(encoder);
}

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The JSON text of the state; "null" means the client left. */
  json: string;
}

export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({ clientId: decoding.readVarUint(decoder), clock: decoding.readVarUint(decoder), json: decoding.readVarString(decoder) });
  }
  return entries;
}

export function encodeAwarenessUpdate(entries: Iterable<AwarenessEntry>): Uint8Array {
  const list = [...entries];
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, list.length);
  for (const e of list) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.json);
  }
  return encoding.toUint8Array(encoder);
}
