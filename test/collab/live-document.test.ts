// The fan-out of one live document: how updates are coalesced and framed for local
// connections, and when they are relayed to other nodes.
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { Channels } from '../../apps/server/src/base/bus/bus.js';
import { InProcessBus } from '../../apps/server/src/base/bus/in-process-bus.js';
import { binaryFrame } from '../../apps/server/src/base/http/ws-frame.js';
import { readMessage, updateMessage } from '../../apps/server/src/core/collab/collab-protocol.js';
import type { DocumentUpdateLog } from '../../apps/server/src/core/collab/document-update-log.js';
import { type BusMessage, LiveDocument, type Peer } from '../../apps/server/src/core/collab/live-document.js';
import { waitFor } from './helpers.js';

const DOC_ID = '00000000-0000-4000-8000-000000000001';

/** The payload of one final, unmasked binary WebSocket frame (and nothing after it). */
function unframe(frame: Buffer): Uint8Array {
  expect(frame[0]).toBe(0x82);
  const short = frame[1]!;
  const [length, header] = short < 126 ? [short, 2] : short === 126 ? [frame.readUInt16BE(2), 4] : [Number(frame.readBigUInt64BE(2)), 10];
  expect(frame.length).toBe(header + length);
  return frame.subarray(header);
}

/** A connection that records what it is sent, decoding each frame as one y-websocket sync update. */
class RecordingPeer implements Peer {
  readonly updates: Uint8Array[] = [];
  readonly doc = new Y.Doc();
  sendFrame(frame: Buffer) {
    const message = unframe(frame);
    const read = readMessage(message);
    if (read.type !== 'sync' || read.sync !== 2) throw new Error(`not a sync update: ${JSON.stringify(read)}`);
    const update = read.payload;
    expect(Buffer.compare(updateMessage(update), Buffer.from(message))).toBe(0); // exactly one message per frame
    this.updates.push(update);
    Y.applyUpdate(this.doc, update);
  }
  close() {}
}

const appended: { documentId: string; userId: string | null }[] = [];
const fakeLog = {
  append: (documentId: string, _data: Uint8Array, userId: string | null) => {
    appended.push({ documentId, userId });
    return Promise.resolve();
  },
} as unknown as DocumentUpdateLog;

/** A live document on `bus` as OpenDocuments sets it up: subscribed, activated, announced. */
async function open(bus: InProcessBus, nodeId: string) {
  const live = new LiveDocument(DOC_ID, nodeId, bus, fakeLog, { onAppended() {}, onStoreFailed() {} });
  const unsubscribe = await bus.subscribe(Channels.doc(DOC_ID), (m) => live.receive(m as BusMessage));
  live.activate();
  live.exchangeState();
  return Object.assign(live, { unsubscribe });
}

/** A client's edit: one character typed into its own text, as the update bytes it would send. */
function typist(name: string) {
  const doc = new Y.Doc();
  const text = doc.getText(name);
  return () => {
    let update: Uint8Array | null = null;
    const grab = (u: Uint8Array) => {
      update = u;
    };
    doc.once('update', grab);
    text.insert(text.length, 'x');
    return update as unknown as Uint8Array;
  };
}

const tick = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  vi.useRealTimers();
  appended.length = 0;
});

describe('live document fan-out', () => {
  it('sends updates applied in one turn as one merged frame, the same for every connection', async () => {
    const live = await open(new InProcessBus(), 'node-a');
    const peers = [new RecordingPeer(), new RecordingPeer()];
    for (const p of peers) live.peers.add(p);
    const type = typist('a');
    for (let i = 0; i < 20; i++) Y.applyUpdate(live.doc, type(), { userId: 'u1' });
    await tick();
    for (const p of peers) {
      expect(p.updates).toHaveLength(1);
      expect(p.doc.getText('a').toString()).toBe('x'.repeat(20));
    }
    expect(appended).toHaveLength(20); // every update is still its own log row
  });

  it("does not send an author its own edits back unless they go out merged with someone else's", async () => {
    const live = await open(new InProcessBus(), 'node-a');
    const [author, other] = [new RecordingPeer(), new RecordingPeer()];
    live.peers.add(author);
    live.peers.add(other);
    const [typeA, typeB] = [typist('a'), typist('b')];
    Y.applyUpdate(live.doc, typeA(), Object.assign(author, { userId: 'u1' }));
    Y.applyUpdate(live.doc, typeA(), author);
    await tick();
    expect(author.updates).toHaveLength(0);
    expect(other.doc.getText('a').toString()).toBe('xx');
    await new Promise((r) => setTimeout(r, 10)); // the next flush on its own
    Y.applyUpdate(live.doc, typeA(), author);
    Y.applyUpdate(live.doc, typeB(), other);
    await tick();
    expect(author.updates).toHaveLength(1); // one buffer for everyone, the author's own edit included
    expect(author.doc.getText('b').toString()).toBe('x');
    expect(other.doc.getText('a').toString()).toBe('xxx');
  });

  it('sends an author the edits of others that its update completed (they were waiting for it)', async () => {
    const live = await open(new InProcessBus(), 'node-a');
    const [p, q] = [new RecordingPeer(), new RecordingPeer()];
    live.peers.add(p);
    live.peers.add(q);
    const type = typist('a');
    const first = type();
    const second = type(); // builds on the first
    Y.applyUpdate(q.doc, first); // Q has the first (say, from another tab) and will send it
    Y.applyUpdate(live.doc, second, Object.assign(p, { userId: 'u1' })); // waits: its dependency is missing
    await tick();
    Y.applyUpdate(live.doc, first, Object.assign(q, { userId: 'u2' }));
    await tick();
    expect(q.doc.getText('a').toString()).toBe('xx');
    expect(p.doc.getText('a').toString()).toBe('xx');
  });

  it('merges what a room sends beyond its frame budget into fewer frames, and flushes a room within it at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    const live = await open(new InProcessBus(), 'node-a');
    const peers = Array.from({ length: 100 }, () => new RecordingPeer()); // a flush costs 100 frame writes
    for (const p of peers) live.peers.add(p);
    const type = typist('a');
    // Within the budget (a burst of 200 writes, 20 more per ms): every edit goes out on the next turn.
    Y.applyUpdate(live.doc, type(), { userId: 'u1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(peers[0]!.updates).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100); // a quiet spell refills it
    // Over the budget: 20 edits, one per ms, in separate turns (2,000 writes wanted, ~600 allowed).
    for (let i = 0; i < 20; i++) {
      Y.applyUpdate(live.doc, type(), { userId: 'u1' });
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(50);
    const frames = peers[0]!.updates.length - 1;
    expect(frames).toBeGreaterThanOrEqual(3);
    expect(frames).toBeLessThanOrEqual(8);
    for (const p of peers) expect(p.doc.getText('a').toString()).toBe('x'.repeat(21));
    await vi.advanceTimersByTimeAsync(100); // quiet again: the next edit goes out at once
    Y.applyUpdate(live.doc, type(), { userId: 'u1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(peers[0]!.updates).toHaveLength(frames + 2);
  });

  it('frames a message once so that a stock WebSocket client reads it, whatever its length', async () => {
    const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
    await new Promise((r) => wss.once('listening', r));
    const serverSocket = new Promise<Duplex>((resolve) => wss.once('connection', (_ws, req) => resolve(req.socket)));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const received: Buffer[] = [];
    client.on('message', (data: Buffer) => received.push(data));
    const socket = await serverSocket;
    const sizes = [0, 1, 125, 126, 65_535, 65_536, 300_000];
    const payloads = sizes.map((n, i) => Buffer.alloc(n, i + 1));
    for (const p of payloads) socket.write(binaryFrame(p));
    await waitFor(() => received.length === sizes.length, 'every frame');
    expect(received.map((b) => b.length)).toEqual(sizes);
    expect(received.every((b, i) => b.equals(payloads[i]!))).toBe(true);
    client.close();
    await new Promise((r) => wss.close(r));
  });

  it('relays to other nodes only while another node holds the document, and both converge', async () => {
    const bus = new InProcessBus();
    const published: BusMessage[] = [];
    const publish = bus.publish.bind(bus);
    bus.publish = (channel: string, message: unknown) => {
      published.push(message as BusMessage);
      return publish(channel, message);
    };
    const a = await open(bus, 'node-a');
    const typeA = typist('a');
    Y.applyUpdate(a.doc, typeA(), { userId: 'u1' });
    await tick();
    expect(published.filter((m) => m.u)).toHaveLength(0); // alone: nothing to relay

    const b = await open(bus, 'node-b'); // announces itself; A answers with what B lacks
    await tick();
    expect(b.doc.getText('a').toString()).toBe('x');
    Y.applyUpdate(a.doc, typeA(), { userId: 'u1' });
    Y.applyUpdate(b.doc, typist('b')(), { userId: 'u2' });
    await tick();
    await tick();
    for (const live of [a, b]) {
      expect(live.doc.getText('a').toString()).toBe('xx');
      expect(live.doc.getText('b').toString()).toBe('x');
    }

    await b.unsubscribe();
    b.close(); // says bye
    await tick();
    published.length = 0;
    Y.applyUpdate(a.doc, typeA(), { userId: 'u1' });
    await tick();
    expect(published.filter((m) => m.u)).toHaveLength(0);
  });
});
