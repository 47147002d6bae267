// Two real server processes sharing PostgreSQL and Redis, edited through stock y-websocket clients.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { whenStored } from '@tandem/client';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { type NodeProcess, signUp, startNodeProcess, via } from '../support/node-process.js';
import { createTestDatabase } from '../support/server.js';
import { addParagraph, connect, paragraphs, synced, trackedProviders, waitFor } from './helpers.js';

let db: { url: string; drop: () => Promise<void> };
let dataDir: string;
let env: Record<string, string>;
const nodes: NodeProcess[] = [];
const { track, closeAll } = trackedProviders();

async function startNode() {
  const node = await startNodeProcess(env);
  nodes.push(node);
  return node;
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'tandem-collab-'));
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    REDIS_CHANNEL_PREFIX: `collab-${randomBytes(4).toString('hex')}:`,
    TANDEM_SECRET: randomBytes(32).toString('hex'),
    TANDEM_DATA_DIR: dataDir,
    TANDEM_MIGRATE_ON_START: 'false',
    COLLAB_COMPACT_AFTER_UPDATES: '50',
  };
});
afterEach(async () => {
  closeAll();
  for (const n of nodes.splice(0)) await n.kill();
});
afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// Each test starts real server processes; on a busy shared machine that alone can take a while.
const NODE_TEST_TIMEOUT = 180_000;

describe('collab across nodes', () => {
  it(
    'lets stock clients on two nodes converge, cursors included',
    async () => {
      const [a, b] = [await startNode(), await startNode()];
      const owner = await signUp(a, 'owner');
      const ws = await owner.workspaces.create({ name: 'Two nodes' });
      const { id } = await owner.documents.create(ws.id, { title: 'Shared' });
      const onA = await synced(track(connect(owner, id)));
      const onB = await synced(track(connect(via(b, owner), id)));
      addParagraph(onA.doc, 'typed on A');
      addParagraph(onB.doc, 'typed on B');
      await waitFor(() => paragraphs(onA.doc).length === 2 && paragraphs(onB.doc).length === 2, 'edits cross nodes');
      expect(paragraphs(onA.doc)).toEqual(paragraphs(onB.doc));
      onB.awareness.setLocalStateField('cursor', { anchor: 3 });
      await waitFor(() => onA.awareness.getStates().get(onB.awareness.clientID)?.cursor?.anchor === 3, 'awareness crosses nodes');
      expect(onA.awareness.getStates().get(onB.awareness.clientID)?.user).toMatchObject({ id: owner.userId });
    },
    NODE_TEST_TIMEOUT,
  );

  it(
    'keeps every edit the server confirmed as stored when a node is killed mid-edit',
    async () => {
      const a = await startNode();
      const owner = await signUp(a, 'writer');
      const ws = await owner.workspaces.create({ name: 'Crash' });
      const { id } = await owner.documents.create(ws.id, { title: 'Crash' });
      const doc = new Y.Doc();
      const writer = await synced(track(connect(owner, id, doc)));
      const confirmed: string[] = [];
      for (let round = 0; round < 10; round++) {
        const lines = Array.from({ length: 10 }, (_, i) => `r${round}-l${i}`);
        for (const l of lines) addParagraph(doc, l);
        await whenStored(writer);
        confirmed.push(...lines);
      }
      for (let i = 0; i < 50; i++) addParagraph(doc, `unconfirmed-${i}`); // in flight when the node dies
      await a.kill();
      writer.destroy();
      const restarted = await startNode();
      const reader = via(restarted, owner);
      const text = await reader.documents.content(id, 'text');
      for (const line of confirmed) expect(text).toContain(line);
      // The client still holds what the dead node never confirmed, and hands it over on reconnect.
      const again = await synced(track(connect(reader, id, doc)));
      await whenStored(again);
      await waitFor(async () => (await reader.documents.content(id, 'text')).includes('unconfirmed-49'), 'unconfirmed edits resent');
    },
    NODE_TEST_TIMEOUT,
  );

  it(
    'catches up after a node loses its Redis connection: edits made meanwhile on either side reach both',
    async () => {
      const [a, b] = [await startNode(), await startNode()];
      const owner = await signUp(a, 'outage');
      const ws = await owner.workspaces.create({ name: 'Outage' });
      const { id } = await owner.documents.create(ws.id, { title: 'Outage' });
      const onA = await synced(track(connect(owner, id)));
      const onB = await synced(track(connect(via(b, owner), id)));
      addParagraph(onA.doc, 'before');
      await waitFor(() => paragraphs(onB.doc).includes('before'), 'initial edit crosses');
      expect(await dropRedisConnections(b)).toBeGreaterThan(0);
      addParagraph(onA.doc, 'typed on A during the outage');
      addParagraph(onB.doc, 'typed on B during the outage');
      const all = ['before', 'typed on A during the outage', 'typed on B during the outage'];
      await waitFor(
        () => [onA, onB].every((p) => all.every((line) => paragraphs(p.doc).includes(line))),
        'both sides catch up after the reconnect',
      );
    },
    NODE_TEST_TIMEOUT,
  );

  it(
    'converges under random edits, disconnects and reconnects across both nodes (seeded)',
    async () => {
      const seed = Number(process.env.COLLAB_SEED ?? Date.now() % 1_000_000);
      console.log(`collab random test seed: ${seed} (rerun with COLLAB_SEED=${seed})`);
      const random = mulberry32(seed);
      const [a, b] = [await startNode(), await startNode()];
      const owner = await signUp(a, 'random');
      const ws = await owner.workspaces.create({ name: 'Random' });
      const { id } = await owner.documents.create(ws.id, { title: 'Random' });
      const clients = Array.from({ length: 5 }, (_, i) => track(connect(via(i % 2 ? b : a, owner), id)));
      for (const c of clients) await synced(c);
      for (let step = 0; step < 300; step++) {
        const c = clients[Math.floor(random() * clients.length)]!;
        const r = random();
        if (r < 0.08) {
          if (c.wsconnected) c.disconnect();
          else c.connect();
        } else randomEdit(c.doc, random, step);
        if (step % 25 === 0) await new Promise((res) => setTimeout(res, 5));
      }
      for (const c of clients) if (!c.shouldConnect) c.connect();
      await waitFor(
        () => clients.every((c) => c.synced && JSON.stringify(paragraphs(c.doc)) === JSON.stringify(paragraphs(clients[0]!.doc))),
        `all clients converge (seed ${seed})`,
        30_000,
      );
      for (const c of clients) await whenStored(c);
      const expected = paragraphs(clients[0]!.doc).join('\n');
      await waitFor(
        async () => (await via(b, owner).documents.content(id, 'text')) === expected,
        `server content converges (seed ${seed})`,
      );
    },
    NODE_TEST_TIMEOUT,
  );
});

/** Kills exactly this node's Redis connections (found by its pid), as a network blip would. */
async function dropRedisConnections(node: NodeProcess): Promise<number> {
  // Only connections to Redis, so a busy machine's socket table cannot overflow the buffer.
  const { stdout } = await promisify(execFile)('ss', ['-tnp', 'dport', '=', ':6379'], { maxBuffer: 64 * 1024 * 1024 });
  const ports = stdout
    .split('\n')
    .filter((l) => l.includes(`pid=${node.child.pid},`) && /\s127\.0\.0\.1:6379\s/.test(l))
    .map((l) => /127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:6379/.exec(l)?.[1])
    .filter(Boolean);
  const redis = new Redis(inject('redisUrl'));
  try {
    for (const port of ports) await redis.call('CLIENT', 'KILL', 'ADDR', `127.0.0.1:${port}`).catch(() => undefined);
  } finally {
    redis.disconnect();
  }
  return ports.length;
}

function randomEdit(doc: Y.Doc, random: () => number, step: number) {
  const fragment = doc.getXmlFragment('default');
  const r = random();
  if (fragment.length === 0 || r < 0.4) {
    addParagraph(doc, `s${step}`);
    return;
  }
  const p = fragment.get(Math.floor(random() * fragment.length)) as Y.XmlElement;
  if (r < 0.55) {
    fragment.delete(fragment.toArray().indexOf(p), 1);
    return;
  }
  const text = p.get(0) as Y.XmlText | undefined;
  if (!text) return;
  if (r < 0.85 || text.length === 0)
    text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + Math.floor(random() * 26)));
  else text.delete(Math.floor(random() * text.length), 1);
}

function mulberry32(a: number) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
