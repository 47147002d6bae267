// Tandem's document storage driven directly (run pinned to the server core, like a server would
// be): append a burst of keystroke updates through the durable update log (group commit), load the
// document cold from snapshot + log, then compact the log into one snapshot. Uses the built server
// modules against a database the runner prepared. Input: JSON config path. Output: one JSON line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpuWindow } from '../lib/proc.mjs';
import { ROOT } from '../lib/servers.mjs';
import { prepareTyping } from '../lib/yjs-wire.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const dist = (p) => import(join(ROOT, 'apps', 'server', 'dist', p));
const { loadConfig } = await dist('base/config/config.js');
const { configureLogger } = await dist('base/logger/logger.js');
const { Database } = await dist('base/database/database.js');
const { DocumentUpdateLog } = await dist('core/collab/document-update-log.js');
const { DocumentStore } = await dist('core/collab/document-store.js');

const config = loadConfig({ DATABASE_URL: cfg.databaseUrl, LOG_LEVEL: 'warn', TANDEM_MIGRATE_ON_START: 'false' });
configureLogger('warn');
const db = await Database.open(config);
const log = new DocumentUpdateLog(db, config);
const store = new DocumentStore(db, config);

const authors = 20;
const perAuthor = Math.ceil(cfg.updates / authors);
const updates = [];
for (let a = 0; a < authors; a++) {
  const t = prepareTyping(7_000_000 + a, perAuthor);
  updates.push(t.opening, ...t.strokes.map((s) => s.update));
}
updates.length = Math.min(updates.length, cfg.updates + authors);

const window = cpuWindow([]);
// Appends arrive the way a busy node produces them: all outstanding at once, committed in batches.
let t0 = performance.now();
await Promise.all(updates.map((u) => log.append(cfg.documentId, u, null)));
const appendMs = performance.now() - t0;

t0 = performance.now();
const loaded = await store.loadDoc(cfg.documentId);
const loadMs = performance.now() - t0;
const chars = loaded
  .getXmlFragment('default')
  .toArray()
  .reduce((n, p) => n + (p.get(0)?.length ?? 0), 0);
loaded.destroy();

t0 = performance.now();
const compaction = await store.compact(cfg.documentId);
const compactMs = performance.now() - t0;

t0 = performance.now();
const reloaded = await store.loadDoc(cfg.documentId);
const reloadMs = performance.now() - t0;
reloaded.destroy();

const cpu = window();
await db.close();
process.stdout.write(
  `${JSON.stringify({
    updates: updates.length,
    appendMs,
    appendRate: (1000 * updates.length) / appendMs,
    coldLoadFromLogMs: loadMs,
    charsLoaded: chars,
    compactMs,
    folded: compaction?.folded ?? 0,
    snapshotBytes: compaction?.size ?? 0,
    coldLoadFromSnapshotMs: reloadMs,
    cpuPct: cpu.generatorCpuPct,
    waitedForCpuPct: cpu.generatorWaitPct,
  })}\n`,
);
process.exit(0);
