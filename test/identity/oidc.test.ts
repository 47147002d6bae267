// Single sign-on against a real OpenID provider on loopback: sign-in creates or finds the account,
// links by (issuer, subject), and every forged, replayed or unverifiable answer is refused with a
// reason the sign-in screen can show.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { ApiError } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../apps/server/src/base/config/config.js';
import { freePort, SsoBrowser, startTestIdp, type TestIdp } from '../support/oidc-provider.js';
import { startTestServer, type TestServer } from '../support/server.js';

let idp: TestIdp;
let server: TestServer;
let base: string;
/** A second address the provider accepts, for a test that needs a server of its own. */
let spareBase: string;
let n = 0;

const callbackOf = (origin: string) => `${origin}/api/v1/auth/oidc/callback`;

beforeAll(async () => {
  const [port, sparePort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  spareBase = `http://127.0.0.1:${sparePort}`;
  idp = await startTestIdp({ redirectUris: [callbackOf(base), callbackOf(spareBase)] });
  server = await startTestServer({ PORT: String(port), TANDEM_PUBLIC_URL: base, ...idp.env, OIDC_NAME: 'Acme ID' });
});
afterAll(async () => {
  await server?.close();
  await idp?.close();
});

/** A new account at the provider; returns its subject (what its login page takes). */
function idpAccount(claims: { email?: string; email_verified?: boolean; name?: string } = {}) {
  const subject = `person-${++n}`;
  idp.accounts.set(subject, { email: `${subject}@acme.test`, email_verified: true, name: `Person ${n}`, ...claims });
  return subject;
}

/** Signs in at the provider and lets the callback answer; returns where the browser lands. */
async function sso(subject: string, browser = new SsoBrowser(), origin = base) {
  const callback = await browser.signInAtProvider(`${origin}/api/v1/auth/oidc/start`, subject);
  const res = await browser.request(callback);
  expect(res.status).toBe(302);
  return { browser, callback, landing: new URL(SsoBrowser.next(res)) };
}

/** The whole sign-in: provider, callback, code exchange; returns a signed-in client. */
async function ssoClient(subject: string) {
  const { landing } = await sso(subject);
  expect(landing.pathname).toBe('/sign-in/sso');
  const client = server.client();
  const result = await client.auth.oidcExchange(landing.searchParams.get('code')!);
  return { client, result };
}

const ssoError = (landing: URL) => (landing.pathname === '/sign-in' ? landing.searchParams.get('sso_error') : `landed on ${landing.href}`);
const stateOf = (callback: string) => new URL(callback).searchParams.get('state')!;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('single sign-on: signing in', () => {
  it('tells clients which sign-in methods the server offers', async () => {
    expect(await server.client().identity.providers()).toEqual({ password: true, oidc: { name: 'Acme ID' }, email: false });
  });

  it('sends the browser to the issuer with the code flow, PKCE S256, state and nonce, and a browser-binding cookie', async () => {
    const res = await fetch(`${base}/api/v1/auth/oidc/start`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin).toBe(idp.issuer);
    const q = Object.fromEntries(to.searchParams);
    expect(q).toMatchObject({
      response_type: 'code',
      client_id: idp.clientId,
      redirect_uri: `${base}/api/v1/auth/oidc/callback`,
      code_challenge_method: 'S256',
    });
    expect(q.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    expect(q.state?.length).toBeGreaterThanOrEqual(32);
    expect(q.nonce?.length).toBeGreaterThanOrEqual(32);
    expect(q.code_challenge?.length).toBeGreaterThanOrEqual(43);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tandem_sso='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // Nothing secret is kept in the clear: the attempt is found by the state's hash.
    const rows = await server.db.prisma.oidcAttempt.findMany({ where: { stateHash: sha256(q.state!) } });
    expect(rows).toHaveLength(1);
  });

  it('creates the account from the verified email on the first sign-in, with no tokens in any URL', async () => {
    const subject = idpAccount({ email: 'Ada.Lovelace@Acme.test', name: 'Ada Lovelace' });
    const { landing, callback } = await sso(subject);
    expect(landing.pathname).toBe('/sign-in/sso');
    expect([...landing.searchParams.keys()]).toEqual(['code']);
    expect(callback).not.toMatch(/token/i);
    const client = server.client();
    const result = await client.auth.oidcExchange(landing.searchParams.get('code')!);
    expect(Object.keys(result).sort()).toEqual(['accessToken', 'refreshToken', 'user']);
    expect(result.user).toMatchObject({ email: 'ada.lovelace@acme.test', displayName: 'Ada Lovelace', emailVerified: true });
    expect(await client.me()).toMatchObject({ id: result.user.id });
    // A normal login: it refreshes and shows among the account's sessions.
    expect(await client.auth.refresh()).toBe(true);
    expect((await client.identity.sessions.list()).items).toHaveLength(1);
    const links = await server.db.prisma.userIdentity.findMany({ where: { userId: result.user.id } });
    expect(links).toEqual([expect.objectContaining({ issuer: idp.issuer, subject })]);
  });

  it('finds the same user on the next sign-in, even after the address changed at the provider', async () => {
    const subject = idpAccount();
    const first = await ssoClient(subject);
    const again = await ssoClient(subject);
    expect(again.result.user.id).toBe(first.result.user.id);
    idp.accounts.set(subject, { ...idp.accounts.get(subject), email: `renamed-${subject}@acme.test` });
    const renamed = await ssoClient(subject);
    expect(renamed.result.user.id).toBe(first.result.user.id);
    // Two logins so far stay valid: each sign-in is its own session.
    expect(await first.client.me()).toMatchObject({ id: first.result.user.id });
  });

  it('links to an existing account with that verified email, which keeps its confirmed password', async () => {
    const existing = await server.user('linked');
    await server.db.prisma.user.update({ where: { id: existing.userId }, data: { emailVerifiedAt: new Date() } });
    const { result } = await ssoClient(idpAccount({ email: existing.email }));
    expect(result.user.id).toBe(existing.userId);
    expect(await existing.me()).toMatchObject({ id: existing.userId });
    await server.client().auth.login({ email: existing.email, password: 'correct horse battery' });
  });

  it('links to an account whose address was never confirmed, ending the password and logins someone set for it', async () => {
    // Someone registered the address without proving it (no mail server); the provider now proves who owns it.
    const squatter = await server.user('squatted');
    const { result } = await ssoClient(idpAccount({ email: squatter.email }));
    expect(result.user).toMatchObject({ id: squatter.userId, emailVerified: true });
    const err = await squatter.me().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    const login = await server
      .client()
      .auth.login({ email: squatter.email, password: 'correct horse battery' })
      .catch((e) => e);
    expect(login.status).toBe(401);
  });

  it('lets an emailed invitation take effect on the first sign-in', async () => {
    const owner = await server.user('inviter');
    const ws = await owner.workspaces.create({ name: 'Invited' });
    const subject = idpAccount();
    await owner.invitations.create(ws.id, { role: 'editor', email: `${subject}@acme.test` });
    const { client } = await ssoClient(subject);
    expect((await client.workspaces.list()).items).toEqual([expect.objectContaining({ id: ws.id, role: 'editor' })]);
  });

  it('makes the first account of a new server its administrator, and keeps a domain allow-list for new accounts', async () => {
    const fresh = await startTestServer({
      PORT: spareBase.split(':')[2]!,
      TANDEM_PUBLIC_URL: spareBase,
      ...idp.env,
      TANDEM_SIGNUP: 'domains',
      TANDEM_SIGNUP_DOMAINS: 'acme.test',
    });
    try {
      const first = await sso(idpAccount(), new SsoBrowser(), spareBase);
      const second = await sso(idpAccount(), new SsoBrowser(), spareBase);
      const exchange = (landing: URL) => fresh.client().auth.oidcExchange(landing.searchParams.get('code')!);
      const [a, b] = [await exchange(first.landing), await exchange(second.landing)];
      const admin = async (id: string) => (await fresh.db.prisma.user.findUniqueOrThrow({ where: { id } })).serverAdmin;
      expect([await admin(a.user.id), await admin(b.user.id)]).toEqual([true, false]);
      const outsider = await sso(idpAccount({ email: 'someone@elsewhere.test' }), new SsoBrowser(), spareBase);
      expect(ssoError(outsider.landing)).toBe('signup_refused');
    } finally {
      await fresh.close();
    }
  });
});

describe('single sign-on: refusals', () => {
  it('refuses an address the provider has not verified, and creates nobody', async () => {
    const subject = idpAccount({ email_verified: false });
    const { landing } = await sso(subject);
    expect(ssoError(landing)).toBe('email_unverified');
    expect(await server.db.prisma.user.findUnique({ where: { email: `${subject}@acme.test` } })).toBeNull();
  });

  it('refuses a provider account without an email address', async () => {
    const subject = idpAccount();
    idp.accounts.set(subject, { name: 'No Mail' });
    expect(ssoError((await sso(subject)).landing)).toBe('no_email');
  });

  it('never hands an account linked to one provider account to another that now has the same address', async () => {
    const first = idpAccount();
    await ssoClient(first);
    const second = idpAccount({ email: `${first}@acme.test` });
    expect(ssoError((await sso(second)).landing)).toBe('account_conflict');
  });

  it('refuses a callback whose state was forged', async () => {
    const browser = new SsoBrowser();
    const callback = new URL(await browser.signInAtProvider(`${base}/api/v1/auth/oidc/start`, idpAccount()));
    callback.searchParams.set('state', 'forged-state-value-forged-state-value');
    expect(ssoError(new URL(SsoBrowser.next(await browser.request(callback.href))))).toBe('invalid_state');
  });

  it('refuses a callback finished in another browser than the one that started it', async () => {
    const callback = await new SsoBrowser().signInAtProvider(`${base}/api/v1/auth/oidc/start`, idpAccount());
    const other = new SsoBrowser();
    expect(ssoError(new URL(SsoBrowser.next(await other.request(callback))))).toBe('invalid_state');
  });

  it('refuses a replayed callback: an attempt is used once', async () => {
    const subject = idpAccount();
    const { browser, callback, landing } = await sso(subject);
    expect(landing.pathname).toBe('/sign-in/sso');
    // The same answer again, even with the attempt's cookie put back.
    browser.cookies.set('tandem_sso', 'anything');
    expect(ssoError(new URL(SsoBrowser.next(await browser.request(callback))))).toBe('invalid_state');
  });

  it('refuses an ID token whose nonce is not the one this attempt sent', async () => {
    const browser = new SsoBrowser();
    const callback = await browser.signInAtProvider(`${base}/api/v1/auth/oidc/start`, idpAccount());
    await server.db.prisma.oidcAttempt.update({
      where: { stateHash: sha256(stateOf(callback)) },
      data: { nonce: 'a-nonce-this-provider-never-saw-0000000' },
    });
    expect(ssoError(new URL(SsoBrowser.next(await browser.request(callback))))).toBe('invalid_response');
  });

  it('refuses an authorization code the provider already redeemed', async () => {
    // A second attempt carrying the first attempt's code: state and browser match, the code does not.
    const subject = idpAccount();
    const first = await sso(subject);
    const browser = new SsoBrowser();
    const second = new URL(await browser.signInAtProvider(`${base}/api/v1/auth/oidc/start`, subject));
    second.searchParams.set('code', new URL(first.callback).searchParams.get('code')!);
    expect(ssoError(new URL(SsoBrowser.next(await browser.request(second.href))))).toBe('invalid_response');
  });

  it('shows the refusal when the person cancels at the provider', async () => {
    const browser = new SsoBrowser();
    const toIssuer = new URL(SsoBrowser.next(await browser.request(`${base}/api/v1/auth/oidc/start`)));
    const state = toIssuer.searchParams.get('state')!;
    const res = await browser.request(
      `${base}/api/v1/auth/oidc/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
    );
    expect(ssoError(new URL(SsoBrowser.next(res)))).toBe('denied');
  });

  it('exchanges a one-time code once only', async () => {
    const { landing } = await sso(idpAccount());
    const code = landing.searchParams.get('code')!;
    await server.client().auth.oidcExchange(code);
    const again = await server
      .client()
      .auth.oidcExchange(code)
      .catch((e) => e);
    expect([again.status, again.code]).toEqual([401, 'unauthenticated']);
    expect(again.message).toMatch(/invalid, expired or already used/);
    const unknown = await server
      .client()
      .auth.oidcExchange('not-a-code')
      .catch((e) => e);
    expect(unknown.status).toBe(401);
  });

  it('refuses an expired one-time code', async () => {
    const { landing } = await sso(idpAccount());
    const code = landing.searchParams.get('code')!;
    await server.db.prisma.oidcLoginCode.update({ where: { codeHash: sha256(code) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(
      (
        await server
          .client()
          .auth.oidcExchange(code)
          .catch((e) => e)
      ).status,
    ).toBe(401);
  });
});

describe('single sign-on: server settings', () => {
  it('turns password sign-in and sign-up off with TANDEM_PASSWORD_LOGIN=false (403, clear message)', async () => {
    const off = await startTestServer({
      TANDEM_PUBLIC_URL: 'http://127.0.0.1:9',
      ...idp.env,
      OIDC_NAME: 'Acme ID',
      TANDEM_PASSWORD_LOGIN: 'false',
    });
    try {
      expect(await off.client().identity.providers()).toMatchObject({ password: false, oidc: { name: 'Acme ID' } });
      const login = await off
        .client()
        .auth.login({ email: 'someone@acme.test', password: 'correct horse battery' })
        .catch((e) => e);
      expect([login.status, login.code]).toEqual([403, 'forbidden']);
      expect(login.message).toBe('Password sign-in is turned off on this server. Use "Sign in with Acme ID" instead.');
      const register = await off
        .client()
        .auth.register({ email: 'someone@acme.test', password: 'correct horse battery', displayName: 'Someone' })
        .catch((e) => e);
      expect(register.status).toBe(403);
    } finally {
      await off.close();
    }
  });

  it('answers start with a clear refusal, quickly, while the issuer does not answer (and starts without it)', async () => {
    // Accepts connections and never says a word: the worst kind of down.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const down = await startTestServer({
      TANDEM_PUBLIC_URL: 'http://127.0.0.1:9',
      OIDC_ISSUER: `http://127.0.0.1:${port}`,
      OIDC_CLIENT_ID: 'tandem',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_TIMEOUT_MS: '800',
    });
    try {
      expect((await down.client().identity.providers()).oidc).toEqual({ name: 'Single sign-on' });
      const started = Date.now();
      const res = await fetch(`${down.url}/api/v1/auth/oidc/start`, { redirect: 'manual' });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('http://127.0.0.1:9/sign-in?sso_error=issuer_unreachable');
      expect(await down.db.prisma.oidcAttempt.count()).toBe(0);
    } finally {
      await down.close();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('answers start on a server without single sign-on with "not configured"', async () => {
    const plain = await startTestServer();
    try {
      expect((await plain.client().identity.providers()).oidc).toBeNull();
      const res = await fetch(`${plain.url}/api/v1/auth/oidc/start`, { redirect: 'manual' });
      expect(res.headers.get('location')).toBe('/sign-in?sso_error=not_configured');
    } finally {
      await plain.close();
    }
  });

  it('refuses incomplete or unsafe single sign-on settings at start-up, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ TANDEM_PASSWORD_LOGIN: 'false' })).toEqual([expect.stringMatching(/^TANDEM_PASSWORD_LOGIN: .*single sign-on/)]);
    expect(problems({ OIDC_ISSUER: 'https://id.example.com' })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^OIDC_CLIENT_ID: required/),
        expect.stringMatching(/^OIDC_CLIENT_SECRET: required/),
        expect.stringMatching(/^TANDEM_PUBLIC_URL: required/),
      ]),
    );
    const complete = { OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's', TANDEM_PUBLIC_URL: 'https://tandem.example.com/' };
    expect(problems({ ...complete, OIDC_ISSUER: 'http://id.example.com' })).toEqual([
      expect.stringMatching(/^OIDC_ISSUER: must be an https/),
    ]);
    expect(loadConfig({ ...complete, OIDC_ISSUER: 'http://localhost:8080/realms/x' }).oidc).toMatchObject({
      allowHttp: true,
      redirectUri: 'https://tandem.example.com/api/v1/auth/oidc/callback',
      name: 'Single sign-on',
    });
    expect(loadConfig({ ...complete, OIDC_ISSUER: 'https://id.example.com' }).oidc?.allowHttp).toBe(false);
  });
});
