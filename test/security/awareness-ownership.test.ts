// Awareness client ids belong to whoever announced them first, on this node or another: a local
// connection cannot overwrite (and so impersonate or hide) a cursor that another node relayed.
import { describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { AwarenessRoom } from '../../apps/server/src/core/collab/awareness-room.js';

function announce(clientId: number, state: Record<string, unknown>, bumps = 0) {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new Awareness(doc);
  for (let i = 0; i <= bumps; i++) awareness.setLocalState({ ...state, i });
  const update = encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

const identity = (name: string) => ({ id: name, name, color: '#000000' });

describe('awareness ownership across nodes', () => {
  it('keeps a state relayed by another node from being overwritten by a local connection', () => {
    const room = new AwarenessRoom();
    expect(room.applyFromNode(announce(7, { cursor: 'remote' }))).not.toBeNull();
    const local = {};
    // Same client id, a higher clock, from a connection on this node.
    expect(room.applyFromClient(announce(7, { cursor: 'hijack' }, 5), local, identity('mallory'), new Set())).toBeNull();
    const snapshot = new TextDecoder().decode(room.snapshot()!);
    expect(snapshot).toContain('remote');
    expect(snapshot).not.toContain('mallory');
  });

  it('still lets the id be taken once the other node removed it', () => {
    const room = new AwarenessRoom();
    room.applyFromNode(announce(8, { cursor: 'remote' }));
    const doc = new Y.Doc();
    doc.clientID = 8;
    const awareness = new Awareness(doc);
    awareness.setLocalState({ cursor: 'remote' });
    awareness.setLocalState(null);
    room.applyFromNode(encodeAwarenessUpdate(awareness, [8]));
    awareness.destroy();
    expect(room.applyFromClient(announce(8, { cursor: 'moved here' }, 3), {}, identity('alice'), new Set())).not.toBeNull();
  });
});
