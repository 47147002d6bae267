// The y-websocket message layout, as spoken by Tandem's /collab, @y/websocket-server and (with a
// document-name prefix and an auth message first) Hocuspocus. Builds editors' updates ahead of time.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/** Wire dialects: plain y-websocket, or Hocuspocus (every message starts with the document name). */
export function dialect(kind, docName) {
  const prefix = (enc) => {
    if (kind === 'hocuspocus') encoding.writeVarString(enc, docName);
  };
  const build = (write) => {
    const enc = encoding.createEncoder();
    prefix(enc);
    write(enc);
    return Buffer.from(encoding.toUint8Array(enc));
  };
  return {
    kind,
    /** Messages a client sends before anything else (Hocuspocus waits for an auth message). */
    hello: () =>
      kind === 'hocuspocus'
        ? [
            build((e) => {
              encoding.writeVarUint(e, MSG_AUTH);
              encoding.writeVarUint(e, 0);
              encoding.writeVarString(e, '');
            }),
          ]
        : [],
    syncStep1: (stateVector = new Uint8Array([0])) =>
      build((e) => {
        encoding.writeVarUint(e, MSG_SYNC);
        encoding.writeVarUint(e, SYNC_STEP1);
        encoding.writeVarUint8Array(e, stateVector);
      }),
    syncStep2: (update) =>
      build((e) => {
        encoding.writeVarUint(e, MSG_SYNC);
        encoding.writeVarUint(e, SYNC_STEP2);
        encoding.writeVarUint8Array(e, update);
      }),
    update: (update) =>
      build((e) => {
        encoding.writeVarUint(e, MSG_SYNC);
        encoding.writeVarUint(e, SYNC_UPDATE);
        encoding.writeVarUint8Array(e, update);
      }),
    awareness: (awarenessUpdate) =>
      build((e) => {
        encoding.writeVarUint(e, MSG_AWARENESS);
        encoding.writeVarUint8Array(e, awarenessUpdate);
      }),
    /** A decoder positioned at the message type (past the document name, if any). */
    decoder: (data) => {
      const dec = decoding.createDecoder(data);
      if (kind === 'hocuspocus') decoding.readVarString(dec);
      return dec;
    },
  };
}

/**
 * One editor's typing, prepared ahead of time: an opening update that adds the editor's own
 * paragraph to the `default` XML fragment (TipTap's layout), then one update per keystroke. Each
 * keystroke's `toClock` lets an observer tell which keystrokes a (possibly merged) update contains.
 */
export function prepareTyping(clientId, keystrokes) {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates = [];
  doc.on('update', (u) => updates.push(u));
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  doc.getXmlFragment('default').insert(0, [paragraph]);
  const opening = updates.shift();
  const strokes = [];
  for (let k = 0; k < keystrokes; k++) {
    text.insert(k, String.fromCharCode(97 + (k % 26)));
    const update = updates.shift();
    strokes.push({ update, toClock: Y.getState(doc.store, clientId) });
  }
  doc.destroy();
  return { clientId, opening, strokes };
}
