// A full collaborative client (a real Y.Doc over a `ws` socket, speaking the sync protocol) that
// measures edit→remote latency: when an update arrives it finds which keystrokes it carries (by
// client and clock range, so merged updates count too) and records now − their send time.

import { performance } from 'node:perf_hooks';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MSG_AUTH, MSG_SYNC, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from './yjs-wire.mjs';

/**
 * `ledger` maps an editor's clientId to `{ toClock: number[], sentAt: Float64Array }` (sentAt 0 =
 * not sent yet, negative = sent outside the measured window). `record(ms)` receives each latency.
 */
export function openObserver({ url, wire, ledger, record }) {
  const doc = new Y.Doc();
  const seen = new Map();
  const stats = { updates: 0, frames: 0, keystrokes: 0, errors: 0, synced: false, closeCode: 0 };
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  const send = (buf) => ws.readyState === WebSocket.OPEN && ws.send(buf);

  const account = (update, now) => {
    const { to } = Y.parseUpdateMeta(update);
    for (const [client, clock] of to) {
      const entry = ledger.get(client);
      if (!entry) continue;
      let k = seen.get(client) ?? 0;
      while (k < entry.toClock.length && entry.toClock[k] <= clock) {
        const sentAt = entry.sentAt[k];
        if (sentAt > 0) record(now - sentAt);
        if (sentAt !== 0) stats.keystrokes++;
        k++;
      }
      seen.set(client, k);
    }
  };

  ws.on('message', (data) => {
    const now = performance.now();
    stats.frames++;
    try {
      const dec = wire.decoder(data);
      const type = decoding.readVarUint(dec);
      if (type === MSG_AUTH) return;
      if (type !== MSG_SYNC) return;
      const step = decoding.readVarUint(dec);
      if (step === SYNC_STEP1) {
        const sv = decoding.readVarUint8Array(dec);
        send(wire.syncStep2(Y.encodeStateAsUpdate(doc, sv)));
        return;
      }
      if (step === SYNC_STEP2 || step === SYNC_UPDATE) {
        const update = decoding.readVarUint8Array(dec);
        Y.applyUpdate(doc, update, 'remote');
        stats.updates++;
        if (step === SYNC_STEP2) stats.synced = true;
        account(update, now);
      }
    } catch {
      stats.errors++;
    }
  });
  ws.on('close', (code) => (stats.closeCode = code));
  ws.on('error', () => stats.errors++);

  const opened = new Promise((resolve, reject) => {
    ws.once('open', () => {
      for (const m of wire.hello()) send(m);
      send(wire.syncStep1(Y.encodeStateVector(doc)));
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`observer refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    opened,
    stats,
    doc,
    /** Characters typed by each editor, as this observer's copy of the document holds them. */
    textLength: () => {
      let n = 0;
      for (const p of doc.getXmlFragment('default').toArray()) {
        const t = p instanceof Y.XmlElement ? p.get(0) : null;
        if (t instanceof Y.XmlText) n += t.length;
      }
      return n;
    },
    close: () => ws.terminate(),
  };
}
