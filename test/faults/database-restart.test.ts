// Drill: PostgreSQL "restarts" under load. The node (a child process) reaches the machine's shared
// PostgreSQL through a TCP proxy; the restart is the proxy dropping every connection and refusing
// new ones for a few seconds (the shared server itself is never touched). Meanwhile REST writes
// answer 503 with Retry-After at once instead of hanging, lines typed into a document are held and
// stored once the database is back, and clients retrying their creates with an Idempotency-Key
// leave exactly one task and one comment per key.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { connect, paragraphs, synced, trackedProviders } from '../collab/helpers.js';
import { type NodeProcess, signUp, startNodeProcess } from '../support/node-process.js';
import { createTestDatabase } from '../support/server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { deploymentEnv, duplicates, readiness, sleep, startTypist, storedParagraphs, within } from './drill.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let proxy: TcpProxy;
let node: NodeProcess;
const { track, closeAll } = trackedProviders();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const target = new URL(db.url);
  proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  const viaProxy = Object.assign(new URL(db.url), { host: `127.0.0.1:${proxy.port}` }).toString();
  node = await startNodeProcess(deploymentEnv(viaProxy, inject('redisUrl')));
}, 120_000);
afterAll(async () => {
  closeAll();
  await node?.kill();
  await proxy?.close();
  await pool?.end();
  await db?.drop();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  code?: string;
  ms: number;
}

describe('PostgreSQL restart under load', () => {
  it('answers 503 + Retry-After fast while it is down, stores the edits typed meanwhile, and duplicates nothing', async () => {
    const owner = await signUp(node, 'owner');
    const ws = await owner.workspaces.create({ name: 'Restart drill' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Board', key: 'RST' });
    const anchor = await owner.tracking.tasks.create(project.id, { title: 'Anchor' });
    const { id: documentId } = await owner.documents.create(ws.id, { title: 'Written through the restart' });
    const typists = await Promise.all(
      [0, 1, 2].map(async (i) => startTypist(`pg${i}`, await synced(track(connect(owner, documentId, new Y.Doc()))), 120)),
    );

    // Writers: each creates tasks and comments, retrying every failed create with the same key until
    // it is answered, as the web client's write queue does.
    const answers: Answer[] = [];
    const post = async (path: string, body: unknown, key: string) => {
      for (;;) {
        const started = Date.now();
        let answer: Answer;
        try {
          const res = await fetch(`${node.url}/api/v1${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(15_000),
          });
          const json = (await res.json()) as { error?: { code: string; details?: { reason?: string } } };
          const lost = json.error?.details?.reason === 'answer_lost';
          answer = {
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            code: lost ? 'answer_lost' : json.error?.code,
            ms: Date.now() - started,
          };
        } catch (err) {
          answer = { status: 0, retryAfter: null, code: (err as Error).name, ms: Date.now() - started };
        }
        answers.push(answer);
        // Done: answered, or the server says this key's create happened though its answer was lost.
        if (answer.status === 201 || answer.status === 200 || answer.code === 'answer_lost') return;
        await sleep(answer.status === 409 ? 250 : 150);
      }
    };
    let writing = true;
    const keys: string[] = [];
    const writers = [0, 1, 2, 3].map(async (w) => {
      for (let n = 0; writing; n++) {
        const key = `w${w}-${n}-${randomBytes(3).toString('hex')}`;
        keys.push(key);
        if (n % 2) await post(`/tasks/${anchor.id}/comments`, { body: `comment ${key}` }, key);
        else await post(`/projects/${project.id}/tasks`, { title: `task ${key}` }, key);
        await sleep(80);
      }
    });

    await sleep(1500);
    const answeredBefore = answers.length;
    await proxy.cut();
    await within('the node to report the database down', 15_000, async () => {
      const r = await readiness(node.url);
      return r.status === 503 && r.body.checks.database === false;
    });
    await sleep(4000);
    const during = answers.slice(answeredBefore);
    await proxy.restore();
    await within('the node to be ready again', 20_000, async () => (await readiness(node.url)).status === 200);
    await sleep(1500);
    writing = false;
    await Promise.all(writers);
    await Promise.all(typists.map((t) => t.stop()));

    // While it was down: 503 `unavailable` with Retry-After, each well inside the client's patience
    // (a bound against hanging, not a speed measurement), never a 500.
    const refused = during.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect(a.code).toBe('unavailable');
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(a.ms).toBeLessThan(5000);
    }
    // Anything unexpected: show what the node logged about it, so the cause is in the test output.
    if (answers.some((a) => a.status >= 500 && a.status !== 503))
      console.log(
        'node warnings and errors:\n',
        node
          .output()
          .split('\n')
          .filter((l) => l.includes('"level":50') || l.includes('"level":40'))
          .map((l) => l.slice(0, 1500))
          .join('\n'),
      );
    expect(answers.filter((a) => a.status !== 201 && a.status !== 200 && a.status !== 503 && a.status !== 409)).toEqual([]);

    // Each key made exactly one task or comment.
    const { rows: taskTitles } = await pool.query<{ title: string }>('SELECT title FROM "Task" WHERE "projectId" = $1', [project.id]);
    const { rows: commentBodies } = await pool.query<{ body: string }>('SELECT body FROM "Comment" WHERE "taskId" = $1', [anchor.id]);
    const made = [...taskTitles.map((r) => r.title.replace(/^task /, '')), ...commentBodies.map((r) => r.body.replace(/^comment /, ''))];
    expect(duplicates(made)).toEqual([]);
    expect(made.filter((k) => k !== 'Anchor').sort()).toEqual([...keys].sort());
    // Every key whose create was answered records that its create committed (what stops a second copy).
    const { rows: unmarked } = await pool.query(
      'SELECT key FROM "IdempotencyKey" WHERE "userId" = $1 AND "statusCode" IS NOT NULL AND "committedAt" IS NULL',
      [owner.userId],
    );
    expect(unmarked).toEqual([]);

    // Every line typed, before, during and after the outage, is stored exactly once.
    const expected = typists.flatMap((t) => t.typed).sort();
    await within('the typed lines to be stored', 30_000, async () => (await storedParagraphs(pool, documentId)).length >= expected.length);
    const stored = await storedParagraphs(pool, documentId);
    expect(duplicates(stored)).toEqual([]);
    expect([...stored].sort()).toEqual(expected);
    for (const t of typists) expect([...paragraphs(t.provider.doc)].sort()).toEqual(expected);
  }, 120_000);
});
