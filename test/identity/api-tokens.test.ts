// Personal API tokens: shown once, stored as hashes, acting as their owner through the same guard
// and policy, narrowed by scope; revoked or expired tokens are refused.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
});
afterAll(() => server?.close());

async function as(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('personal API tokens', () => {
  it('shows a tdm_ token once, lists it without the secret and stores only its hash', async () => {
    const ann = await server.user('ann');
    const created = await ann.identity.tokens.create({ name: 'CI script', scope: 'write' });
    expect(created.token).toMatch(/^tdm_[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({ name: 'CI script', scope: 'write', expiresAt: null });
    const { items } = await ann.identity.tokens.list();
    expect(items).toEqual([
      { id: created.id, name: 'CI script', scope: 'write', createdAt: expect.any(String), lastUsedAt: null, expiresAt: null },
    ]);
    const row = await server.db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.token);
  });

  it("acts as its owner with the owner's permissions, and records when it was last used", async () => {
    const owner = await server.user('owner');
    const outsider = await server.user('outsider');
    const ws = await owner.workspaces.create({ name: 'Scripted' });
    const mine = await owner.identity.tokens.create({ name: 'w', scope: 'write' });
    const theirs = await outsider.identity.tokens.create({ name: 'w', scope: 'write' });

    expect((await as(mine.token, 'GET', '/api/v1/me')).body.id).toBe(owner.userId);
    const project = await as(mine.token, 'POST', `/api/v1/workspaces/${ws.id}/projects`, { name: 'Automation', key: 'AUT' });
    expect(project.status).toBe(201);
    // The outsider's token is the outsider: the workspace does not exist for them.
    expect((await as(theirs.token, 'GET', `/api/v1/workspaces/${ws.id}`)).status).toBe(404);
    expect((await as(theirs.token, 'POST', `/api/v1/workspaces/${ws.id}/projects`, { name: 'X', key: 'XX' })).status).toBe(404);

    // lastUsedAt is written beside the request, not before it answers.
    await expect
      .poll(async () => (await owner.identity.tokens.list()).items.find((t) => t.id === mine.id)!.lastUsedAt, { timeout: 10_000 })
      .not.toBeNull();
  });

  it('a read token reads but gets 403 forbidden on every write', async () => {
    const owner = await server.user('reader');
    const ws = await owner.workspaces.create({ name: 'Read only' });
    const read = await owner.identity.tokens.create({ name: 'dashboard', scope: 'read' });
    expect((await as(read.token, 'GET', `/api/v1/workspaces/${ws.id}`)).status).toBe(200);
    const refused = await as(read.token, 'POST', `/api/v1/workspaces/${ws.id}/projects`, { name: 'No', key: 'NO' });
    expect(refused).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'This API token may only read' } } });
    expect((await as(read.token, 'PATCH', `/api/v1/workspaces/${ws.id}`, { name: 'Renamed' })).status).toBe(403);
    expect((await as(read.token, 'DELETE', `/api/v1/workspaces/${ws.id}`)).status).toBe(403);
    expect((await owner.workspaces.get(ws.id)).name).toBe('Read only');
  });

  it('cannot manage tokens, sessions or the password, even with write scope', async () => {
    const bob = await server.user('bob');
    const { token, id } = await bob.identity.tokens.create({ name: 'w', scope: 'write' });
    for (const [method, path, body] of [
      ['GET', '/api/v1/me/tokens'],
      ['POST', '/api/v1/me/tokens', { name: 'more', scope: 'write' }],
      ['DELETE', `/api/v1/me/tokens/${id}`],
      ['GET', '/api/v1/me/sessions'],
      ['DELETE', '/api/v1/me/sessions'],
      ['POST', '/api/v1/auth/password', { currentPassword: 'correct horse battery', newPassword: 'a different password' }],
      ['POST', '/api/v1/auth/ws-ticket'],
    ] as const) {
      const res = await as(token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await bob.identity.tokens.list()).items).toHaveLength(1);
    const again = server.client();
    await again.auth.login({ email: bob.email, password: 'correct horse battery' });
  });

  it('refuses a revoked, an expired, an unknown and a tampered token with 401', async () => {
    const cy = await server.user('cy');
    const revoked = await cy.identity.tokens.create({ name: 'old', scope: 'write' });
    expect((await as(revoked.token, 'GET', '/api/v1/me')).status).toBe(200);
    await cy.identity.tokens.revoke(revoked.id);
    expect(await as(revoked.token, 'GET', '/api/v1/me')).toEqual({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'API token revoked or unknown' } },
    });
    expect((await cy.identity.tokens.list()).items).toEqual([]);
    expect((await cy.identity.tokens.revoke(revoked.id).catch((e) => e)).status).toBe(404);

    const soon = await cy.identity.tokens.create({ name: 'soon', scope: 'read', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await server.db.prisma.apiToken.update({ where: { id: soon.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // Expired in the database: a node that has not seen the token yet reads the expiry and refuses it.
    const fresh = await startTestServer({}, server.databaseUrl);
    try {
      const res = await fetch(`${fresh.url}/api/v1/me`, { headers: { authorization: `Bearer ${soon.token}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe('API token expired');
    } finally {
      await fresh.close();
    }
    expect((await as(`tdm_${'x'.repeat(43)}`, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await as(`${revoked.token.slice(0, -2)}AA`, 'GET', '/api/v1/me')).status).toBe(401);
  });

  it('refuses a bad name, scope or an expiry in the past with 400', async () => {
    const dee = await server.user('dee');
    for (const body of [
      { name: '', scope: 'read' },
      { name: 'x', scope: 'admin' },
      { name: 'x', scope: 'read', expiresAt: new Date(Date.now() - 60_000).toISOString() },
      { name: 'x', scope: 'read', expiresAt: 'tomorrow' },
    ]) {
      const err = await dee.identity.tokens.create(body as never).catch((e) => e);
      expect(err.status, JSON.stringify(body)).toBe(400);
      expect(err.code).toBe('validation_failed');
    }
    expect((await dee.identity.tokens.list()).items).toEqual([]);
  });
});
