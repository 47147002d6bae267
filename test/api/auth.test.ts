import { ApiError, TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '60' });
});
afterAll(() => server?.close());

async function status(p: Promise<unknown>) {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
}

describe('auth', () => {
  it('registers, then reads the caller with GET /me', async () => {
    const c = server.client();
    const res = await c.auth.register({ email: 'Mixed.Case@Example.test', password: 'long enough pw', displayName: 'Mia' });
    expect(res.user).toMatchObject({ email: 'mixed.case@example.test', displayName: 'Mia' });
    expect(await c.me()).toMatchObject({ id: res.user.id, email: 'mixed.case@example.test' });
  });

  it('refuses a second account with the same email (any case) with 409', async () => {
    const a = await server.user('dup');
    const err = await server
      .client()
      .auth.register({ email: a.email.toUpperCase(), password: 'long enough pw', displayName: 'X' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.code).toBe('conflict');
  });

  it('answers wrong password and unknown email identically with 401', async () => {
    const a = await server.user('login');
    const wrong = await server
      .client()
      .auth.login({ email: a.email, password: 'not the password' })
      .catch((e) => e);
    const unknown = await server
      .client()
      .auth.login({ email: 'nobody@example.test', password: 'not the password' })
      .catch((e) => e);
    expect([wrong.status, wrong.code, wrong.message]).toEqual([401, 'unauthenticated', 'Wrong email or password']);
    expect([unknown.status, unknown.code, unknown.message]).toEqual([wrong.status, wrong.code, wrong.message]);
  });

  it('locks an email out with 429 and Retry-After after repeated failures, even for the right password', async () => {
    const a = await server.user('lock');
    for (let i = 0; i < 3; i++) expect(await status(server.client().auth.login({ email: a.email, password: 'wrong' }))).toBe(401);
    const err = await server
      .client()
      .auth.login({ email: a.email, password: 'correct horse battery' })
      .catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.code).toBe('rate_limited');
    expect(Number(err.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rotates refresh tokens and revokes the whole login when a spent one is presented again', async () => {
    const a = await server.user('rot');
    const first = a.refreshToken!;
    expect(await a.auth.refresh()).toBe(true);
    const second = a.refreshToken!;
    expect(second).not.toBe(first);
    // Replaying the spent token: 401, and the family (including the fresh token) is revoked.
    const replay = new TandemClient(server.url);
    const err = await replay.http.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first }, auth: false }).catch((e) => e);
    expect(err.status).toBe(401);
    const after = await replay.http
      .request('POST', '/api/v1/auth/refresh', { body: { refreshToken: second }, auth: false })
      .catch((e) => e);
    expect(after.status).toBe(401);
    // The access token of that login stops working too.
    const me = await a.http.request('GET', '/api/v1/me', {}).catch((e) => e);
    expect(me.status).toBe(401);
  });

  it('never accepts an access token as a refresh token or the reverse', async () => {
    const a = await server.user('typ');
    const asRefresh = await a.http
      .request('POST', '/api/v1/auth/refresh', { body: { refreshToken: a.accessToken }, auth: false })
      .catch((e) => e);
    expect(asRefresh.status).toBe(401);
    const raw = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${a.refreshToken}` } });
    expect(raw.status).toBe(401);
  });

  it('rejects tampered, malformed and missing tokens with 401 in the error shape', async () => {
    const a = await server.user('tamper');
    const [h, p, s] = a.accessToken!.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: '00000000-0000-7000-8000-000000000000' })).toString('base64url')}.${s}`;
    for (const header of [`Bearer ${forged}`, 'Bearer abc', 'Basic xyz', '']) {
      const res = await fetch(`${server.url}/api/v1/me`, { headers: header ? { authorization: header } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });

  it('logout revokes that login only', async () => {
    const a = await server.user('logout');
    const other = server.client();
    await other.auth.login({ email: a.email, password: 'correct horse battery' });
    await a.auth.logout();
    const res = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${a.http.tokens?.accessToken ?? ''}` } });
    expect(res.status).toBe(401);
    expect((await other.me()).email).toBe(a.email);
  });

  it('changing the password revokes the other logins and keeps this one', async () => {
    const a = await server.user('pw');
    const other = server.client();
    await other.auth.login({ email: a.email, password: 'correct horse battery' });
    await a.auth.changePassword('correct horse battery', 'a brand new secret');
    expect((await a.me()).id).toBe(a.userId);
    const err = await other.http.request('GET', '/api/v1/me').catch((e) => e);
    expect(err.status).toBe(401);
    expect(await status(server.client().auth.login({ email: a.email, password: 'a brand new secret' }))).toBe(200);
  });
});

describe('bad input', () => {
  it('names the invalid fields with 400 validation_failed', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'not-an-email', password: 'short', extra: 1 }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('validation_failed');
    const fields = body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'displayName']));
  });

  it('answers malformed JSON with 400, oversized bodies with 413 and unknown routes with 404, all in the error shape', async () => {
    const malformed = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('bad_request');
    const big = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x'.repeat(2 * 1024 * 1024), password: 'x' }),
    });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('payload_too_large');
    const unknown = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'Route not found' } });
  });
});
