// Whether an address has an account must not show in what the public auth routes answer, nor in
// whether they wait for the mail server. The mail server here accepts connections and never
// speaks: any request that waits for a mail to go out never answers.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { startMailbox } from '../support/smtp.js';

let stalledSmtp: Server;
const held: Socket[] = [];
let stalled: TestServer;
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
let delivering: TestServer;

beforeAll(async () => {
  stalledSmtp = createServer((socket) => held.push(socket));
  await new Promise<void>((r) => stalledSmtp.listen(0, '127.0.0.1', r));
  const { port } = stalledSmtp.address() as { port: number };
  stalled = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  mailbox = await startMailbox();
  delivering = await startTestServer({ SMTP_URL: mailbox.url });
});
afterAll(async () => {
  const closed = new Promise((r) => stalledSmtp?.close(r));
  for (const s of held) s.destroy();
  await stalled?.close();
  await delivering?.close();
  await mailbox?.close();
  for (const s of held) s.destroy();
  await closed;
});

async function post(server: TestServer, path: string, body: unknown) {
  const res = await fetch(`${server.url}/api/v1/auth/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

describe('password reset requests', () => {
  it('answer a known and an unknown address alike, without waiting for the mail server', async () => {
    const known = await stalled.user('known');
    const forKnown = await post(stalled, 'password-reset/request', { email: known.email });
    const forUnknown = await post(stalled, 'password-reset/request', { email: 'nobody.here@example.test' });
    expect(forKnown).toEqual({ status: 202, body: { accepted: true } });
    expect(forUnknown).toEqual(forKnown);
  });

  it('still mail the reset link to a known address', async () => {
    const known = await delivering.user('mailed');
    await mailbox.tokenFor(known.email); // the verification mail
    mailbox.received.length = 0;
    await post(delivering, 'password-reset/request', { email: known.email });
    expect(await mailbox.tokenFor(known.email)).toMatch(/^[\w-]{20,}$/);
  });
});

describe('register', () => {
  it('signs up without waiting for the verification mail to go out', async () => {
    const res = await post(stalled, 'register', { email: 'fresh@example.test', password: 'long enough pw', displayName: 'Fresh' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'refreshToken', 'user']);
  });

  it("answers a taken address with the documented 409, and tells the address's owner someone tried", async () => {
    const owner = await delivering.user('taken');
    await mailbox.tokenFor(owner.email);
    mailbox.received.length = 0;
    const res = await post(delivering, 'register', { email: owner.email, password: 'long enough pw', displayName: 'Someone' });
    expect(res).toEqual({ status: 409, body: { error: { code: 'conflict', message: 'An account with this email already exists' } } });
    await expect
      .poll(() => mailbox.received.find((m) => m.to.includes(owner.email))?.raw ?? '', { timeout: 10_000 })
      .toContain('Someone tried to sign up to Tandem with your address');
  });

  it('answers a taken address without waiting for the mail server either', async () => {
    const owner = await stalled.user('busy');
    const res = await post(stalled, 'register', { email: owner.email, password: 'long enough pw', displayName: 'Again' });
    expect(res.status).toBe(409);
  });
});
