// Splits a document's state into several Yjs updates of bounded size, in an order where every part
// only refers to items of earlier parts (or of itself). Applied one after another they rebuild the
// document exactly, and since no part waits for a later one, each part integrates at once: a load
// can apply one part per event-loop turn instead of decoding megabytes in one synchronous step.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

type Struct = Y.Item | Y.GC;

/** Rough encoded size of a struct: its text or payload plus ids and info. */
function cost(s: Struct): number {
  if (!(s instanceof Y.Item)) return 12;
  const c = s.content;
  if (c instanceof Y.ContentString) return c.str.length + 12;
  if (c instanceof Y.ContentBinary) return c.content.length + 12;
  if (c instanceof Y.ContentAny || c instanceof Y.ContentJSON || c instanceof Y.ContentEmbed || c instanceof Y.ContentFormat)
    return 32 * c.getLength() + 12;
  return 12;
}

/**
 * Parts of about `partBytes` each (one part when the document is smaller). The last part carries
 * the delete set; the others carry none (a compacted state marks its deleted items in the structs
 * themselves, the delete set only repeats it).
 */
export function splitState(doc: Y.Doc, partBytes: number): Uint8Array[] {
  return [...stateParts(doc, partBytes)].filter((p): p is Uint8Array => p !== null);
}

/** Structs placed between two pauses of the causal walk (a few milliseconds of work). */
const WALK_STRUCTS_PER_PAUSE = 20_000;

/**
 * The same, one part at a time; `null` marks a pause in the walk that orders the structs before
 * the first part. A caller may yield the event loop at every step; `doc` must not change meanwhile.
 */
export function* stateParts(doc: Y.Doc, partBytes: number): Generator<Uint8Array | null> {
  const clients = doc.store.clients as Map<number, Struct[]>;
  const order = [...clients.keys()];
  const next = new Map<number, number>(order.map((c) => [c, 0]));
  // First clock of `client` not yet placed in a part.
  const placedUpTo = (client: number) => {
    const structs = clients.get(client);
    if (!structs) return Number.POSITIVE_INFINITY; // not in this document: nothing to wait for
    const i = next.get(client)!;
    return i < structs.length ? structs[i]!.id.clock : Number.POSITIVE_INFINITY;
  };
  const placed = (id: Y.ID | null) => !id || id.clock < placedUpTo(id.client);
  const ready = (s: Struct) => {
    if (!(s instanceof Y.Item)) return true;
    const parent = s.parent instanceof Y.AbstractType ? s.parent._item?.id : (s.parent as Y.ID | null);
    return placed(s.origin) && placed(s.rightOrigin) && placed(parent ?? null);
  };

  // Walk every client's structs in causal order, cutting a part whenever enough bytes were placed.
  const cuts: Map<number, number>[] = [];
  let budget = 0;
  let sincePause = 0;
  let left = order.reduce((n, c) => n + clients.get(c)!.length, 0);
  while (left > 0) {
    let progress = false;
    for (const client of order) {
      const structs = clients.get(client)!;
      let i = next.get(client)!;
      while (i < structs.length && ready(structs[i]!)) {
        budget += cost(structs[i]!);
        i++;
        left--;
        progress = true;
        next.set(client, i);
        if (budget >= partBytes && left > 0) {
          cuts.push(new Map(next));
          budget = 0;
        }
        if (++sincePause >= WALK_STRUCTS_PER_PAUSE) {
          sincePause = 0;
          yield null;
        }
      }
    }
    // A consistent document always progresses; should one not, the rest goes into the last part.
    if (!progress) break;
  }
  if (cuts.length === 0) {
    yield Y.encodeStateAsUpdate(doc);
    return;
  }
  cuts.push(new Map(order.map((c) => [c, clients.get(c)!.length])));

  // The delete set of the whole document: an update with no structs is [0, ...delete set].
  const deleteSet = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)).subarray(1);
  let from = new Map<number, number>(order.map((c) => [c, 0]));
  for (const [k, to] of cuts.entries()) {
    const encoder = new Y.UpdateEncoderV1();
    const ranges = order.filter((c) => to.get(c)! > from.get(c)!).sort((a, b) => b - a);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const client of ranges) {
      const structs = clients.get(client)!;
      const start = from.get(client)!;
      const end = to.get(client)!;
      encoding.writeVarUint(encoder.restEncoder, end - start);
      encoder.writeClient(client);
      encoding.writeVarUint(encoder.restEncoder, structs[start]!.id.clock);
      for (let i = start; i < end; i++) structs[i]!.write(encoder, 0);
    }
    const last = k === cuts.length - 1;
    if (!last) encoding.writeVarUint(encoder.restEncoder, 0);
    const structsPart = encoder.toUint8Array();
    from = to;
    if (!last) yield structsPart;
    else {
      const part = new Uint8Array(structsPart.length + deleteSet.length);
      part.set(structsPart);
      part.set(deleteSet, structsPart.length);
      yield part;
    }
  }
}

/** The same for an encoded whole state (a fresh document is built from it, then dropped). */
export function splitUpdate(update: Uint8Array, partBytes: number): Uint8Array[] {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return splitState(doc, partBytes);
  } finally {
    doc.destroy();
  }
}
