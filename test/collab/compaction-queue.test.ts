// The node's compaction queue: one compaction at a time, and a document asked for again while it is
// being compacted (its appends still counted the rows being folded) is compacted again only if rows
// are left once those are subtracted, never twice in a row for the same rows.
import { describe, expect, it } from 'vitest';
import type { Bus } from '../../apps/server/src/base/bus/bus.js';
import type { Config } from '../../apps/server/src/base/config/config.js';
import type { CollabMetrics } from '../../apps/server/src/core/collab/collab-metrics.js';
import type { DocumentStore } from '../../apps/server/src/core/collab/document-store.js';
import type { DocumentUpdateLog } from '../../apps/server/src/core/collab/document-update-log.js';
import { OpenDocuments } from '../../apps/server/src/core/collab/open-documents.js';

function setup() {
  const rows = new Map<string, number>();
  const updateLog = {
    settled: async () => undefined,
    appendedSinceCompaction: (id: string) => ({ rows: rows.get(id) ?? 0, bytes: 0 }),
    compacted: (id: string, folded: number) => rows.set(id, Math.max(0, (rows.get(id) ?? 0) - folded)),
    forget: (id: string) => rows.delete(id),
  };
  const started: string[] = [];
  const finish: (() => void)[] = [];
  const store = {
    compact: async (id: string) => {
      started.push(id);
      const folded = rows.get(id) ?? 0;
      await new Promise<void>((r) => finish.push(r));
      return { folded, size: 0, versionCut: false };
    },
  };
  const docs = new OpenDocuments(
    {} as Bus,
    { COLLAB_COMPACT_AFTER_UPDATES: 10 } as Config,
    store as unknown as DocumentStore,
    updateLog as unknown as DocumentUpdateLog,
    { compactions: { inc() {} } } as unknown as CollabMetrics,
  );
  const settle = () => new Promise((r) => setImmediate(r));
  return { docs, rows, started, finish, settle };
}

describe('compaction queue', () => {
  it('does not compact a document again for rows the running compaction folds', async () => {
    const { docs, rows, started, finish, settle } = setup();
    rows.set('a', 10);
    docs.scheduleCompaction('a');
    await settle();
    expect(started).toEqual(['a']);
    docs.scheduleCompaction('a'); // e.g. its last client left meanwhile
    docs.scheduleCompaction('a');
    finish.shift()!();
    await settle();
    await settle();
    expect(started).toEqual(['a']);
    expect(docs.held.compactionQueue).toBe(0);
  });

  it('compacts once more, after the running one, when rows were appended meanwhile', async () => {
    const { docs, rows, started, finish, settle } = setup();
    rows.set('a', 10);
    docs.scheduleCompaction('a');
    await settle();
    rows.set('a', 13); // three appends committed during the compaction
    docs.scheduleCompaction('a');
    docs.scheduleCompaction('b');
    rows.set('b', 1);
    expect(started).toEqual(['a']);
    finish.shift()!();
    await settle();
    await settle();
    expect(started).toEqual(['a', 'b']);
    finish.shift()!();
    await settle();
    await settle();
    expect(started).toEqual(['a', 'b', 'a']);
    finish.shift()!();
    await settle();
    expect(rows.get('a') ?? 0).toBe(0);
    expect(docs.held.compactionQueue).toBe(0);
  });
});
