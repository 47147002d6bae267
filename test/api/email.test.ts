import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { startMailbox } from '../support/smtp.js';

let server: TestServer;
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
beforeAll(async () => {
  mailbox = await startMailbox();
  server = await startTestServer({ SMTP_URL: mailbox.url });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

describe('email verification and password reset over SMTP', () => {
  it('sends a verification mail on register; its token verifies the email once', async () => {
    const ann = await server.user('ann');
    expect((await ann.me()).emailVerified).toBe(false);
    const token = await mailbox.tokenFor(ann.email);
    await server.client().auth.verifyEmail(token);
    expect((await ann.me()).emailVerified).toBe(true);
    const again = await server
      .client()
      .auth.verifyEmail(token)
      .catch((e) => e);
    expect(again.status).toBe(400);
  });

  it('resets a forgotten password by mail and ends every existing login', async () => {
    const bob = await server.user('bob');
    await mailbox.tokenFor(bob.email); // the verification mail
    mailbox.received.length = 0;
    await server.client().auth.requestPasswordReset(bob.email);
    const token = await mailbox.tokenFor(bob.email);
    await server.client().auth.resetPassword(token, 'a new long password');
    expect((await bob.me().catch((e) => e)).status).toBe(401);
    const fresh = server.client();
    await fresh.auth.login({ email: bob.email, password: 'a new long password' });
    expect((await fresh.me()).email).toBe(bob.email);
    expect(
      (
        await server
          .client()
          .auth.resetPassword(token, 'another password')
          .catch((e) => e)
      ).status,
    ).toBe(400);
  });

  it('answers a reset request for an unknown email exactly like a known one, and sends nothing', async () => {
    mailbox.received.length = 0;
    const res = await fetch(`${server.url}/api/v1/auth/password-reset/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.test' }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.received).toHaveLength(0);
  });
});
