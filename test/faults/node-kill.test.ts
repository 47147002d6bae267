// Drill: kill -9 one of two nodes while people type into documents (/collab, stock y-websocket
// providers) and move cards (REST) on both. Every line the server confirmed as stored is in
// PostgreSQL the moment the node is dead; every move it answered holds; once the node is back on
// its address the clients that were on it reconnect by themselves, hand over what they typed
// meanwhile, and every client and both nodes end with the same documents, each line exactly once.
//
// Scaled down from the 50 users to 20 (12 typists over 3 documents, 8 board movers) so the
// drill fits two shared cores beside its two server processes; the property does not depend on
// the count. "Clients back within 3 s" is a benchmark figure: here the deadline is a generous poll
// and the time it took is only logged.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { connect, paragraphs, synced, trackedProviders } from '../collab/helpers.js';
import { type NodeProcess, type SignedIn, signUp, startNodeProcess, via } from '../support/node-process.js';
import { createTestDatabase } from '../support/server.js';
import { deploymentEnv, duplicates, sleep, startMover, startTypist, storedParagraphs, within } from './drill.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let env: Record<string, string>;
const nodes: NodeProcess[] = [];
const { track, closeAll } = trackedProviders();

async function startNode(extra: Record<string, string> = {}) {
  const node = await startNodeProcess({ ...env, ...extra });
  nodes.push(node);
  return node;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  env = deploymentEnv(db.url, inject('redisUrl'));
});
afterAll(async () => {
  closeAll();
  for (const n of nodes.splice(0)) await n.kill();
  await pool?.end();
  await db?.drop();
});

describe('kill -9 a node under load', () => {
  it('loses no confirmed edit or answered move, and every client is back and converged after the restart', async () => {
    let [a, b] = await Promise.all([startNode(), startNode()]);
    const owner: SignedIn = await signUp(a, 'owner');
    const ws = await owner.workspaces.create({ name: 'Kill drill' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Board', key: 'KIL' });
    const statuses = (await owner.tracking.statuses.list(project.id)).items.map((s) => s.id);
    const documents = await Promise.all([1, 2, 3].map((i) => owner.documents.create(ws.id, { title: `Doc ${i}` })));
    const tasks = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        owner.tracking.tasks.create(project.id, { title: `Card ${i}` }, { idempotencyKey: `card-${i}` }),
      ),
    );

    // 12 typists, alternating nodes and documents; the ones on A reconnect to A's address by themselves.
    const onA = via(a, owner);
    const onB = via(b, owner);
    const typists = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const provider = await synced(track(connect(i % 2 ? onB : onA, documents[i % 3]!.id, new Y.Doc())));
        return { node: i % 2 ? 'B' : 'A', document: documents[i % 3]!.id, ...startTypist(`t${i}`, provider) };
      }),
    );
    // 8 movers, two cards each; the ones on A go over to B when A stops answering.
    let aAlive = true;
    const movers = Array.from({ length: 8 }, (_, i) =>
      startMover(
        () => (i % 2 === 0 && aAlive ? onA : onB),
        tasks.slice(i * 2, i * 2 + 2).map((t) => t.id),
        statuses,
      ),
    );

    await sleep(2500);
    const confirmedBeforeKill = typists.map((t) => ({ document: t.document, lines: [...t.confirmed] }));
    expect(confirmedBeforeKill.every((t) => t.lines.length > 0)).toBe(true);
    await a.kill();
    aAlive = false;

    // What PostgreSQL holds right now, with A dead and before any client could resend anything.
    for (const d of documents) {
      const stored = new Set(await storedParagraphs(pool, d.id));
      const lost = confirmedBeforeKill.filter((t) => t.document === d.id).flatMap((t) => t.lines.filter((l) => !stored.has(l)));
      expect(lost).toEqual([]);
    }

    await sleep(1000); // typing and moving go on against B (and offline for A's typists)
    a = await startNode({ PORT: String(a.port) });
    const back = await within('the typists of the killed node to be back', 30_000, () =>
      typists.every((t) => t.provider.wsconnected && t.provider.synced),
    );
    console.log(`clients of the killed node back ${back} ms after it listened again`);
    aAlive = true;
    await sleep(1000);
    await Promise.all([...typists.map((t) => t.stop()), ...movers.map((m) => m.stop())]);

    // Every line ever typed, on every client of its document, on both nodes and in PostgreSQL: exactly once.
    for (const d of documents) {
      const mine = typists.filter((t) => t.document === d.id);
      const expected = mine.flatMap((t) => t.typed).sort();
      await within(`clients of ${d.title} to converge`, 20_000, () =>
        mine.every((t) => JSON.stringify([...paragraphs(t.provider.doc)].sort()) === JSON.stringify(expected)),
      );
      await within(
        `PostgreSQL to hold all of ${d.title}`,
        20_000,
        async () => (await storedParagraphs(pool, d.id)).length === expected.length,
      );
      const stored = await storedParagraphs(pool, d.id);
      expect(duplicates(stored)).toEqual([]);
      expect([...stored].sort()).toEqual(expected);
      for (const node of [a, b]) {
        const text = await via(node, owner).documents.content(d.id, 'text');
        expect(text.split('\n').filter(Boolean).sort()).toEqual(expected);
      }
    }

    // Cards: none lost or doubled; each where its last answered move put it, or where a move whose
    // answer died with the node put it.
    expect(movers.flatMap((m) => m.refusals)).toEqual([]);
    const board = (await onB.tracking.tasks.list(project.id, { limit: 100 })).items;
    expect(board.map((t) => t.id).sort()).toEqual(tasks.map((t) => t.id).sort());
    for (const m of movers) {
      for (const id of m.taskIds) {
        const now = board.find((t) => t.id === id)!.status;
        const allowed = new Set([m.acknowledged.get(id), ...(m.unknown.get(id) ?? [])]);
        expect({ id, allowed: allowed.has(now) }).toEqual({ id, allowed: true });
      }
    }
    // Every column's ranks are distinct, so the board has one order on every node.
    for (const status of statuses) {
      const ranks = board.filter((t) => t.status === status).map((t) => t.rank);
      expect(duplicates(ranks)).toEqual([]);
    }
  }, 180_000);
});
