// Reads documents back as a fresh full client and counts each editor's keystrokes present, to
// compare with what the server had acknowledged before it was killed.
// Input: path of a JSON config file ({ documents: [{ url, docId }], expected: { clientId: { docId, acked } } }).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import { openObserver } from '../lib/observer.mjs';
import { dialect } from '../lib/yjs-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const wire = dialect('y-websocket', '');
const present = {};
for (const d of cfg.documents) {
  const o = openObserver({ url: d.url, wire, ledger: new Map(), record: () => {} });
  await o.opened;
  for (let i = 0; i < 500 && !o.stats.synced; i++) await sleep(20);
  for (const p of o.doc.getXmlFragment('default').toArray()) {
    const t = p instanceof Y.XmlElement ? p.get(0) : null;
    if (t instanceof Y.XmlText) present[t._item.id.client] = (present[t._item.id.client] ?? 0) + t.length;
  }
  o.close();
}
let lost = 0;
let acked = 0;
for (const [clientId, e] of Object.entries(cfg.expected)) {
  acked += e.acked;
  lost += Math.max(0, e.acked - (present[clientId] ?? 0));
}
const presentTotal = Object.values(present).reduce((a, b) => a + b, 0);
process.stdout.write(`${JSON.stringify({ documents: cfg.documents.length, acked, present: presentTotal, lost })}\n`);
process.exit(0);
