// The account's logins: listed with the current one marked, ended one by one or all but this one,
// and the sign-in methods the server offers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
});
afterAll(() => server?.close());

async function secondLogin(email: string, userAgent: string) {
  const c = server.client();
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email, password: 'correct horse battery' }),
  });
  const body = (await res.json()) as { accessToken: string; refreshToken: string };
  c.http.setTokens(body);
  return c;
}

describe('account sessions', () => {
  it('lists every live login with its device and marks the one asking', async () => {
    const ann = await server.user('ann');
    await secondLogin(ann.email, 'Mozilla/5.0 (Windows NT 10.0) Firefox/140.0');
    const { items } = await ann.identity.sessions.list();
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(items.find((s) => !s.current)).toMatchObject({ ip: '127.0.0.1', userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/140.0' });
  });

  it('ends one other login: its tokens stop working at once, this one keeps working', async () => {
    const bob = await server.user('bob');
    const laptop = await secondLogin(bob.email, 'laptop');
    const other = (await bob.identity.sessions.list()).items.find((s) => !s.current)!;
    await bob.identity.sessions.end(other.id);
    expect((await laptop.me().catch((e) => e)).status).toBe(401);
    expect((await bob.me()).email).toBe(bob.email);
    expect((await bob.identity.sessions.list()).items.map((s) => s.current)).toEqual([true]);
  });

  it('signs out everywhere else', async () => {
    const cy = await server.user('cy');
    const a = await secondLogin(cy.email, 'a');
    const b = await secondLogin(cy.email, 'b');
    await cy.identity.sessions.endOthers();
    expect((await a.me().catch((e) => e)).status).toBe(401);
    expect((await b.me().catch((e) => e)).status).toBe(401);
    expect((await cy.identity.sessions.list()).items).toHaveLength(1);
  });

  it("answers 404 for someone else's login and leaves it alone", async () => {
    const dee = await server.user('dee');
    const eve = await server.user('eve');
    const evesLogin = (await eve.identity.sessions.list()).items[0]!;
    expect((await dee.identity.sessions.end(evesLogin.id).catch((e) => e)).status).toBe(404);
    expect((await eve.me()).email).toBe(eve.email);
  });

  it('changing the password ends the other logins and keeps this one', async () => {
    const fay = await server.user('fay');
    const phone = await secondLogin(fay.email, 'phone');
    await fay.auth.changePassword('correct horse battery', 'a brand new password');
    expect((await phone.me().catch((e) => e)).status).toBe(401);
    expect((await fay.identity.sessions.list()).items).toHaveLength(1);
  });
});

describe('sign-in methods', () => {
  it('says password sign-in is on, no SSO and no mail on a bare server', async () => {
    expect(await server.client().identity.providers()).toEqual({ password: true, oidc: null, email: false });
  });
});
