import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStoredStateInSlices, type StoredState } from '../../apps/server/src/core/collab/document-store.js';
import { splitState } from '../../apps/server/src/core/collab/state-parts.js';
import { addParagraph, paragraphs } from './helpers.js';

/** Three editors typing into, formatting and deleting from one document, synced in turns. */
function editedDocument(): Y.Doc {
  const docs = [1, 2, 3].map((clientID) => {
    const d = new Y.Doc();
    d.clientID = clientID * 1000;
    return d;
  });
  const sync = () => {
    for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  };
  for (let round = 0; round < 60; round++) {
    for (const [i, d] of docs.entries()) {
      const f = d.getXmlFragment('default');
      if (round % 7 === i) addParagraph(d, `round ${round} by ${i} `.repeat(5));
      const p = f.get(Math.floor(f.length / 2));
      const t = p instanceof Y.XmlElement ? p.get(0) : null;
      if (t instanceof Y.XmlText) {
        t.insert(Math.min(3, t.length), `<${i}:${round}>`);
        if (round % 3 === 0 && t.length > 10) t.delete(2, 4);
        if (round % 5 === 0) t.format(0, 3, { bold: true });
      }
      d.getMap('meta').set(`k${i}`, round);
      if (round % 11 === 10 && f.length > 2) f.delete(0, 1);
    }
    sync();
  }
  return docs[0]!;
}

describe('snapshot parts', () => {
  it('rebuild a multi-author document exactly, each part integrating on its own', () => {
    const source = editedDocument();
    const whole = Y.encodeStateAsUpdate(source);
    const parts = splitState(source, 256);
    expect(parts.length).toBeGreaterThan(5);
    const rebuilt = new Y.Doc();
    for (const part of parts) {
      Y.applyUpdate(rebuilt, part);
      // Causal order: nothing waits for a later part.
      expect(rebuilt.store.pendingStructs).toBeNull();
    }
    expect(rebuilt.store.pendingDs).toBeNull();
    expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(source));
    expect(rebuilt.getXmlFragment('default').toString()).toBe(source.getXmlFragment('default').toString());
    expect(rebuilt.getMap('meta').toJSON()).toEqual(source.getMap('meta').toJSON());
    // Same content and deletions as the whole state, whichever way it is applied.
    const fromWhole = new Y.Doc();
    Y.applyUpdate(fromWhole, whole);
    expect(Y.encodeStateAsUpdate(rebuilt)).toEqual(Y.encodeStateAsUpdate(fromWhole));
  });

  it('counts binary payloads, so parts stay near the size asked for', () => {
    const source = new Y.Doc();
    const files = source.getArray<Uint8Array>('files');
    for (let i = 0; i < 20; i++) files.push([new Uint8Array(10_000).fill(i)]);
    const parts = splitState(source, 32 * 1024);
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const part of parts) expect(part.length).toBeLessThan(32 * 1024 + 10_100);
    const rebuilt = new Y.Doc();
    for (const part of parts) Y.applyUpdate(rebuilt, part);
    expect(rebuilt.getArray<Uint8Array>('files').toArray()).toEqual(files.toArray());
  });

  it('is one part, the whole state, when the document is small', () => {
    const source = editedDocument();
    expect(splitState(source, 10 * 1024 * 1024)).toEqual([Y.encodeStateAsUpdate(source)]);
  });

  it('applied a slice per turn, give the same document as applied at once, log rows included', async () => {
    const source = editedDocument();
    const later = new Y.Doc();
    Y.applyUpdate(later, Y.encodeStateAsUpdate(source));
    const sv = Y.encodeStateVector(later);
    for (let i = 0; i < 40; i++) addParagraph(later, `logged ${i}`);
    const row = Y.encodeStateAsUpdate(later, sv);
    const state: StoredState = {
      snapshot: splitState(source, 512),
      updates: [
        { id: '1', data: row },
        { id: '2', data: new Uint8Array([9, 9, 9]) }, // unreadable: skipped, as at once
      ],
    };
    const sliced = new Y.Doc();
    let yielded = false;
    setImmediate(() => (yielded = true));
    await applyStoredStateInSlices(sliced, state, 'test', 1024);
    expect(yielded).toBe(true); // the event loop ran between slices
    expect(paragraphs(sliced)).toEqual(paragraphs(later));
    expect(Y.encodeStateVector(sliced)).toEqual(Y.encodeStateVector(later));
  });

  it('applies a long log of small rows over several event-loop turns, not in one', async () => {
    const source = new Y.Doc();
    const updates: StoredState['updates'] = [];
    source.on('update', (u: Uint8Array) => updates.push({ id: String(updates.length + 1), data: u }));
    const text = source.getText('t');
    for (let i = 0; i < 300; i++) text.insert(i, 'x');
    const doc = new Y.Doc();
    let turns = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await applyStoredStateInSlices(doc, { snapshot: [], updates }, null);
    done = true;
    expect(doc.getText('t').toString()).toBe('x'.repeat(300));
    // 300 rows of a few bytes each: well under a slice's bytes, but more than a slice's rows.
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
