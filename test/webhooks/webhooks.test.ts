// Webhooks against a real HTTP receiver on loopback: signed deliveries of what the workspace does,
// retries with backoff, bounded waits and answers, redelivery by hand, and refused private targets.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDelivery } from '../../apps/server/src/core/webhooks/webhook-sender.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startReceiver } from './receiver.js';

let server: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  // The receiver is on loopback, so this server allows private targets; the refusal tests use another.
  server = await startTestServer({ TANDEM_WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

async function team() {
  const owner = await server.user('owner');
  const ws = await owner.workspaces.create({ name: 'Hooks' });
  const project = await owner.tracking.projects.create(ws.id, { name: 'Hooks', key: 'HK' });
  return { owner, ws, project };
}

async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook deliveries', () => {
  it('POSTs a signed task.created with the delivery id, and records the answer', async () => {
    receiver.received.length = 0;
    receiver.answerWith((_r, res) => res.writeHead(204).end());
    const { owner, ws, project } = await team();
    const hook = await owner.identity.webhooks.create(ws.id, { url: receiver.url, events: ['task.created'] });
    expect(hook.secret).toMatch(/^whsec_/);
    const task = await owner.tracking.tasks.create(project.id, { title: 'Ship it' });
    await owner.tracking.tasks.update(task.id, { title: 'Ship it now' }); // task.updated: not subscribed

    const [got] = await receiver.waitFor(1);
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({
      type: 'task.created',
      workspaceId: ws.id,
      data: { taskId: task.id, projectId: project.id, actorId: owner.userId },
    });
    expect(got!.headers['x-tandem-event']).toBe('task.created');
    expect(got!.headers['x-tandem-delivery']).toBe(body.id);
    const expected = `sha256=${createHmac('sha256', hook.secret).update(got!.body).digest('hex')}`;
    expect(got!.headers['x-tandem-signature']).toBe(expected);

    const { items } = await eventually(
      'the delivery to be recorded',
      () => owner.identity.webhooks.deliveries(hook.id),
      (p) => p.items[0]?.status === 'succeeded',
    );
    expect(items).toEqual([
      expect.objectContaining({ id: body.id, event: 'task.created', status: 'succeeded', attempts: 1, responseStatus: 204 }),
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a failing receiver with backoff until it answers 2xx', async () => {
    receiver.received.length = 0;
    let calls = 0;
    receiver.answerWith((_r, res) => res.writeHead(++calls === 1 ? 500 : 200).end());
    const { owner, ws, project } = await team();
    const hook = await owner.identity.webhooks.create(ws.id, { url: receiver.url, events: ['*'] });
    await owner.tracking.tasks.create(project.id, { title: 'Flaky' });
    await receiver.waitFor(2);
    expect(receiver.received[0]!.headers['x-tandem-delivery']).toBe(receiver.received[1]!.headers['x-tandem-delivery']);
    const { items } = await eventually(
      'the retry to succeed',
      () => owner.identity.webhooks.deliveries(hook.id),
      (p) => p.items[0]?.status === 'succeeded',
    );
    expect(items[0]).toMatchObject({ status: 'succeeded', attempts: 2, responseStatus: 200 });
  });

  it('gives up waiting for a receiver that never answers, and keeps the delivery for a retry', async () => {
    receiver.received.length = 0;
    receiver.answerWith(() => undefined); // never answers
    const { owner, ws, project } = await team();
    const hook = await owner.identity.webhooks.create(ws.id, { url: receiver.url, events: ['task.created'] });
    await owner.tracking.tasks.create(project.id, { title: 'Silence' });
    const { items } = await eventually(
      'the attempt to time out',
      () => owner.identity.webhooks.deliveries(hook.id),
      (p) => !!p.items[0]?.error,
    );
    expect(items[0]).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null, error: 'no answer within 1000 ms' });
    await owner.identity.webhooks.remove(hook.id);
    receiver.answerWith((_r, res) => res.writeHead(200).end());
  });

  it('sends one after another over the connection it already has, not a new one each', async () => {
    receiver.received.length = 0;
    receiver.answerWith((_r, res) => res.writeHead(200).end());
    const { owner, ws, project } = await team();
    await owner.identity.webhooks.create(ws.id, { url: receiver.url, events: ['task.created'] });
    const before = receiver.connections();
    for (let i = 0; i < 6; i++) {
      await owner.tracking.tasks.create(project.id, { title: `In a row ${i}` });
      await receiver.waitFor(i + 1);
    }
    expect(receiver.connections() - before).toBeLessThanOrEqual(1);
  });

  it('reads only the start of a 10 MB answer', async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 'x');
    receiver.answerWith((_r, res) => res.writeHead(200, { 'content-length': huge.length }).end(huge));
    const outcome = await sendDelivery({
      url: receiver.url,
      body: '{}',
      secret: 'a secret of enough length',
      event: 'task.created',
      deliveryId: 'd1',
      timeoutMs: 5000,
      maxResponseBytes: 64 * 1024,
      allowPrivate: true,
    });
    expect(outcome.status).toBe(200);
    receiver.answerWith((_r, res) => res.writeHead(200).end());
  });

  it('redelivers by hand with the same delivery id', async () => {
    receiver.received.length = 0;
    receiver.answerWith((_r, res) => res.writeHead(200).end());
    const { owner, ws, project } = await team();
    const hook = await owner.identity.webhooks.create(ws.id, { url: receiver.url, events: ['task.created'] });
    await owner.tracking.tasks.create(project.id, { title: 'Again' });
    await receiver.waitFor(1);
    const first = await eventually(
      'delivered',
      () => owner.identity.webhooks.deliveries(hook.id),
      (p) => p.items[0]?.status === 'succeeded',
    );
    await owner.identity.webhooks.redeliver(hook.id, first.items[0]!.id);
    await receiver.waitFor(2);
    expect(receiver.received[1]!.headers['x-tandem-delivery']).toBe(first.items[0]!.id);
    const again = await eventually(
      'redelivered',
      () => owner.identity.webhooks.deliveries(hook.id),
      (p) => p.items[0]?.attempts === 2 && p.items[0]?.status === 'succeeded',
    );
    expect(again.items).toHaveLength(1);
  });

  it('lists webhooks without their secrets, and a removed webhook gets nothing more', async () => {
    receiver.received.length = 0;
    const { owner, ws, project } = await team();
    const hook = await owner.identity.webhooks.create(ws.id, {
      url: receiver.url,
      events: ['task.created'],
      secret: 'my own secret of 16+',
    });
    expect(hook.secret).toBe('my own secret of 16+');
    expect((await owner.identity.webhooks.list(ws.id)).items).toEqual([
      { id: hook.id, url: receiver.url, events: ['task.created'], createdAt: expect.any(String) },
    ]);
    await owner.identity.webhooks.remove(hook.id);
    await owner.tracking.tasks.create(project.id, { title: 'Nobody hears' });
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.received).toHaveLength(0);
  });
});

describe('webhook targets', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(() => strict?.close());

  it('refuses loopback, link-local and private targets, by address or by a name that resolves to one', async () => {
    const owner = await strict.user('owner');
    const ws = await owner.workspaces.create({ name: 'Strict' });
    for (const url of [
      receiver.url,
      `http://localhost:${receiver.port}/hook`,
      'http://[::1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/hook',
      'http://192.168.1.10/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'ftp://example.com/hook',
      'http://user:pw@example.com/hook',
    ]) {
      const err = await owner.identity.webhooks.create(ws.id, { url, events: ['*'] }).catch((e) => e);
      expect(err.status, url).toBe(400);
      expect(err.details[0].field).toBe('url');
    }
    expect((await owner.identity.webhooks.list(ws.id)).items).toEqual([]);
  });

  it('checks the address actually connected to when sending, not only when saving', async () => {
    receiver.received.length = 0;
    const outcome = await sendDelivery({
      url: `http://localhost:${receiver.port}/hook`,
      body: '{}',
      secret: 'a secret of enough length',
      event: 'task.created',
      deliveryId: 'd2',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      allowPrivate: false,
    });
    expect(outcome).toMatchObject({ ok: false, refused: true });
    expect(outcome.error).toMatch(/private address/);
    expect(receiver.received).toHaveLength(0);
  });
});
