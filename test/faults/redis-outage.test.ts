// Drills: Redis unreachable under load, through a TCP proxy per node in front of the machine's
// shared Redis (never stopped). First Redis "goes away" for both nodes (the proxies close every
// connection and refuse new ones); then one node is partitioned from Redis silently (its proxy
// holds every byte and answers nothing, the way a dropped network does). Either way each node
// keeps serving its own rooms, says on /health/ready that the bus is down, and once Redis is back
// every client on either node converges on the same documents and board.
//
// The outage lasts about 10 s instead of the issue's 30 s: the nodes' reconnect backoff is capped
// at 2 s, so 10 s already spans several failed reconnects; the rest would only spend CI time.
// "Converged within 5 s of its return" is a benchmark figure; here it is a generous poll.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, connect, paragraphs, synced, trackedProviders } from '../collab/helpers.js';
import { openProbe } from '../realtime/socket-probe.js';
import { type NodeProcess, type SignedIn, signUp, startNodeProcess, via } from '../support/node-process.js';
import { createTestDatabase } from '../support/server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { deploymentEnv, readiness, sleep, startMover, startTypist, storedParagraphs, type Typist, within } from './drill.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let proxyA: TcpProxy;
let proxyB: TcpProxy;
let a: NodeProcess;
let b: NodeProcess;
let owner: SignedIn;
const { track, closeAll } = trackedProviders();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const redis = new URL(inject('redisUrl'));
  [proxyA, proxyB] = await Promise.all([startTcpProxy(Number(redis.port || 6379)), startTcpProxy(Number(redis.port || 6379))]);
  const env = deploymentEnv(db.url, '');
  [a, b] = await Promise.all([
    startNodeProcess({ ...env, REDIS_URL: `redis://127.0.0.1:${proxyA.port}` }),
    startNodeProcess({ ...env, REDIS_URL: `redis://127.0.0.1:${proxyB.port}` }),
  ]);
  owner = await signUp(a, 'owner');
}, 120_000);
afterEach(() => closeAll());
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await Promise.all([proxyA?.close(), proxyB?.close()]);
  await pool?.end();
  await db?.drop();
});

/** A workspace with a board and a document, typists on both nodes and a /ws watcher of the board on each. */
async function scene(name: string) {
  const ws = await owner.workspaces.create({ name });
  const project = await owner.tracking.projects.create(ws.id, { name, key: name.slice(0, 3).toUpperCase() });
  const statuses = (await owner.tracking.statuses.list(project.id)).items.map((s) => s.id);
  const tasks = await Promise.all([0, 1, 2, 3].map((i) => owner.tracking.tasks.create(project.id, { title: `Card ${i}` })));
  const { id: documentId } = await owner.documents.create(ws.id, { title: name });
  const [onA, onB] = [via(a, owner), via(b, owner)];
  const typists: Typist[] = [];
  for (let i = 0; i < 4; i++) {
    const provider = await synced(track(connect(i % 2 ? onB : onA, documentId, new Y.Doc())));
    typists.push(startTypist(`${name}-t${i}`, provider, 150));
  }
  const [watchA, watchB] = await Promise.all([openProbe(a.url, owner.accessToken!), openProbe(b.url, owner.accessToken!)]);
  await Promise.all([watchA.sub(`project:${project.id}`), watchB.sub(`project:${project.id}`)]);
  return { project, statuses, tasks, documentId, onA, onB, typists, watchA, watchB };
}

/** Every client of the document, both nodes and PostgreSQL hold every typed line. */
async function converged(documentId: string, typists: Typist[], what: string) {
  const expected = JSON.stringify(typists.flatMap((t) => t.typed).sort());
  const same = (lines: string[]) => JSON.stringify([...lines].sort()) === expected;
  const took = await within(what, 30_000, async () => {
    if (!typists.every((t) => same(paragraphs(t.provider.doc)))) return false;
    for (const node of [a, b])
      if (!same((await via(node, owner).documents.content(documentId, 'text')).split('\n').filter(Boolean))) return false;
    return same(await storedParagraphs(pool, documentId));
  });
  console.log(`${what}: ${took} ms`);
}

const busDown = async (node: NodeProcess) => {
  const r = await readiness(node.url);
  // What /health/ready says today while the bus cannot reach the other nodes: 503, the bus named.
  return r.status === 503 && r.body.status === 'unavailable' && r.body.checks.bus === false && r.body.checks.database === true;
};
const ready = async (node: NodeProcess) => (await readiness(node.url)).status === 200;

describe('Redis outage under load', () => {
  it('keeps each node serving its own rooms while Redis is gone, then converges everywhere once it returns', async () => {
    const s = await scene('Outage');
    const mover = startMover(() => s.onA, [s.tasks[0]!.id, s.tasks[1]!.id], s.statuses, 100);
    await sleep(1000);

    await Promise.all([proxyA.cut(), proxyB.cut()]);
    await within('both nodes to report the bus down', 15_000, async () => (await busDown(a)) && (await busDown(b)));
    // Node A's own room: a move made through A reaches A's watcher while Redis is gone.
    const moved = await s.onA.tracking.tasks.move(s.tasks[2]!.id, { status: s.statuses[1]! });
    await s.watchA.next('event', (e) => e.type === 'task.moved' && (e.data as { id?: string }).id === moved.id);
    // Each node's typists still see each other: a line typed on one A client reaches the other A client.
    const [a0, a2] = s.typists.filter((t) => t.provider.url.includes(`:${a.port}/`));
    const [b1, b3] = s.typists.filter((t) => t.provider.url.includes(`:${b.port}/`));
    for (const [from, to] of [
      [a0, a2],
      [b1, b3],
    ] as const) {
      const line = `${from!.name}-local-${Date.now()}`;
      addParagraph(from!.provider.doc, line);
      from!.typed.push(line);
      await within(`a line typed during the outage to reach ${to!.name} on the same node`, 10_000, () =>
        paragraphs(to!.provider.doc).includes(line),
      );
    }
    await sleep(6000);

    await Promise.all([proxyA.restore(), proxyB.restore()]);
    await within('both nodes to be ready again', 20_000, async () => (await ready(a)) && (await ready(b)));
    await sleep(500);
    await Promise.all([...s.typists.map((t) => t.stop()), mover.stop()]);
    await converged(s.documentId, s.typists, 'documents converged after Redis returned');
    expect(mover.refusals).toEqual([]);
    const [boardA, boardB] = await Promise.all([s.onA.tracking.tasks.list(s.project.id), s.onB.tracking.tasks.list(s.project.id)]);
    expect(boardB.items.map((t) => [t.id, t.status, t.rank])).toEqual(boardA.items.map((t) => [t.id, t.status, t.rank]));
    expect(boardB.items.find((t) => t.id === moved.id)!.status).toBe(s.statuses[1]);
    // Redis carries events again: a move made on B reaches A's watcher.
    const after = await s.onB.tracking.tasks.move(s.tasks[3]!.id, { status: s.statuses[2]! });
    await s.watchA.next('event', (e) => e.type === 'task.moved' && (e.data as { id?: string }).id === after.id);
    s.watchA.close();
    s.watchB.close();
  }, 120_000);

  it('notices a silent partition between a node and Redis, keeps answering, and catches up when it heals', async () => {
    const s = await scene('Partition');
    await sleep(800);

    proxyB.pause();
    await within('node B to notice the partition', 20_000, () => busDown(b));
    expect(await ready(a)).toBe(true);
    // Writes through the partitioned node answer (nothing waits on a Redis that does not answer).
    const moved = await s.onB.tracking.tasks.move(s.tasks[0]!.id, { status: s.statuses[1]! });
    await s.watchB.next('event', (e) => e.type === 'task.moved' && (e.data as { id?: string }).id === moved.id);
    await sleep(3000);

    proxyB.resume();
    await within('node B to be ready again', 30_000, () => ready(b));
    await sleep(500);
    await Promise.all(s.typists.map((t) => t.stop()));
    await converged(s.documentId, s.typists, 'documents converged after the partition healed');
    const [boardA, boardB] = await Promise.all([s.onA.tracking.tasks.list(s.project.id), s.onB.tracking.tasks.list(s.project.id)]);
    expect(boardA.items.map((t) => [t.id, t.status, t.rank])).toEqual(boardB.items.map((t) => [t.id, t.status, t.rank]));
    const after = await s.onA.tracking.tasks.move(s.tasks[1]!.id, { status: s.statuses[2]! });
    await s.watchB.next('event', (e) => e.type === 'task.moved' && (e.data as { id?: string }).id === after.id);
    s.watchA.close();
    s.watchB.close();
  }, 120_000);
});
