// At least once across a crash: a node killed (SIGKILL) while a delivery is in flight leaves its
// lease behind; another node takes the delivery over when the lease runs out and delivers it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../support/node-process.js';
import { createTestDatabase } from '../support/server.js';
import { startReceiver } from './receiver.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let env: Record<string, string>;
const nodes: NodeProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    REDIS_CHANNEL_PREFIX: `t${randomBytes(6).toString('hex')}:`,
    TANDEM_SECRET: randomBytes(32).toString('hex'),
    TANDEM_DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-webhooks-')),
    TANDEM_WEB_DIR: '/nonexistent',
    TANDEM_MIGRATE_ON_START: 'false',
    TANDEM_WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_TIMEOUT_MS: '1000',
  };
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await receiver?.close();
  await db?.drop();
});

describe('webhook delivery across a crash', () => {
  it('delivers, from another node, a delivery whose node was killed mid-request', async () => {
    const a = await startNodeProcess(env, 90_000);
    nodes.push(a);
    const owner = a.client();
    const email = `owner.${randomBytes(3).toString('hex')}@example.test`;
    await owner.auth.register({ email, password: 'correct horse battery', displayName: 'Owner' });
    const ws = await owner.workspaces.create({ name: 'Crash' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Crash', key: 'CR' });
    const hook = await owner.identity.webhooks.create(ws.id, { url: receiver.url, events: ['task.created'] });

    // The receiver holds the first request open; node A is killed while waiting for the answer.
    receiver.answerWith(() => undefined);
    await owner.tracking.tasks.create(project.id, { title: 'Survives' });
    await receiver.waitFor(1);
    await a.kill();

    receiver.answerWith((_r, res) => res.writeHead(200).end());
    const b = await startNodeProcess(env, 90_000);
    nodes.push(b);
    const got = await receiver.waitFor(2, 40_000);
    expect(got[1]!.headers['x-tandem-delivery']).toBe(got[0]!.headers['x-tandem-delivery']);

    const viaB = b.client();
    await viaB.auth.login({ email, password: 'correct horse battery' });
    const end = Date.now() + 10_000;
    let items = (await viaB.identity.webhooks.deliveries(hook.id)).items;
    while (items[0]?.status !== 'succeeded' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      items = (await viaB.identity.webhooks.deliveries(hook.id)).items;
    }
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'succeeded', attempts: 2, responseStatus: 200 });
  }, 240_000);
});
