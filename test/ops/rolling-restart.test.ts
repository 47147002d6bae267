// A zero-downtime rolling restart, as docs/self-hosting.md describes it: node B starts, the load
// balancer sends new connections to B, node A is stopped (SIGTERM: it closes its sockets with 1001
// "going away", which stock clients answer by reconnecting at once). A stock y-websocket client types
// through the whole switch; every line it typed is stored once, and it is back within seconds.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, connect, paragraphs, synced, waitFor } from '../collab/helpers.js';
import { type NodeProcess, startNodeProcess } from '../support/node-process.js';
import { createTestDatabase } from '../support/server.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

let db: { url: string; drop: () => Promise<void> };
let dataDir: string;
let env: Record<string, string>;
const nodes: NodeProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'tandem-rolling-'));
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    REDIS_CHANNEL_PREFIX: `rolling-${randomBytes(4).toString('hex')}:`,
    TANDEM_SECRET: randomBytes(32).toString('hex'),
    TANDEM_DATA_DIR: dataDir,
    TANDEM_MIGRATE_ON_START: 'false',
  };
});
afterAll(async () => {
  for (const n of nodes.splice(0)) await n.kill();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('rolling restart of two nodes', () => {
  it('loses no edit of a client typing throughout, which reconnects to the new node at once', async () => {
    const a = await startNodeProcess(env);
    nodes.push(a);
    const balancer = await startTcpProxy(a.port);
    const viaBalancer = () => new TandemClient(`http://127.0.0.1:${balancer.port}`);

    const owner = viaBalancer();
    await owner.auth.register({
      email: `rolling.${randomBytes(4).toString('hex')}@example.test`,
      password: 'correct horse battery',
      displayName: 'Owner',
    });
    const ws = await owner.workspaces.create({ name: 'Rolling' });
    const { id } = await owner.documents.create(ws.id, { title: 'Runbook' });
    const typist = await synced(connect(owner, id));

    let typed = 0;
    const lines: string[] = [];
    const typing = setInterval(() => {
      const line = `line ${++typed}`;
      lines.push(line);
      addParagraph(typist.doc, line);
    }, 40);

    try {
      await waitFor(() => typed >= 20, 'typing on node A');
      // Start B, point the balancer at it, then stop A the way an orchestrator does.
      const b = await startNodeProcess(env);
      nodes.push(b);
      balancer.retarget(b.port);
      const dropped = new Promise<number>((resolve) =>
        typist.once('status', (e: { status: string }) => e.status === 'disconnected' && resolve(Date.now())),
      );
      const stopped = a.stop();
      const droppedAt = await dropped;
      await waitFor(() => typist.wsconnected && typist.synced, 'the typist back on node B', 10_000);
      const backAfterMs = Date.now() - droppedAt;
      expect(await stopped).toBe(0);
      console.log(`rolling restart: the typist was back on node B ${backAfterMs} ms after node A closed its socket`);
      const before = typed;
      await waitFor(() => typed >= before + 20, 'typing on node B');
    } finally {
      clearInterval(typing);
    }

    // Everything typed reached B (through the socket to B, including what A held when it stopped)
    // and is stored: a fresh client on B and the REST text both hold every line exactly once.
    const reader = await synced(connect(owner, id, new Y.Doc()));
    await waitFor(() => paragraphs(reader.doc).length === lines.length, `all ${lines.length} lines on a fresh client`, 15_000);
    expect(paragraphs(reader.doc)).toEqual(lines);
    await waitFor(async () => (await owner.documents.content(id, 'text')).split('\n').filter(Boolean).length === lines.length, 'stored');
    const stored = (await owner.documents.content(id, 'text')).split('\n').filter(Boolean);
    expect(stored).toEqual(lines);
    reader.destroy();
    typist.destroy();
    await balancer.close();
  }, 180_000);
});
