// Every route × {owner, editor, viewer, non-member, anonymous} from one table. The route list comes
// from the server's own OpenAPI document, so a new route without a row here fails this test.
import type { TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

type Who = 'owner' | 'editor' | 'viewer' | 'outsider' | 'anonymous';
const WHO: Who[] = ['anonymous', 'outsider', 'viewer', 'editor', 'owner'];

interface Fixture {
  workspaceId: string;
  users: Record<Exclude<Who, 'anonymous'>, TandemClient & { userId: string; email: string }>;
  /** A member that rows may change or remove. */
  spare: TandemClient & { userId: string; email: string };
}

interface Row {
  /** Path as in the OpenAPI document. */
  route: string;
  /** Concrete path and body for a fresh fixture. */
  request: (fx: Fixture) => { path: string; body?: unknown };
  /** Expected status per caller. */
  expect: Record<Who, number>;
}

const readAll = { owner: 200, editor: 200, viewer: 200, outsider: 404, anonymous: 401 };
const ownerOnly = (ok: number) => ({ owner: ok, editor: 403, viewer: 403, outsider: 404, anonymous: 401 });
const anyUser = (ok: number) => ({ owner: ok, editor: ok, viewer: ok, outsider: ok, anonymous: 401 });

const table: Row[] = [
  { route: 'GET /api/v1/me', request: () => ({ path: '/api/v1/me' }), expect: anyUser(200) },
  { route: 'PATCH /api/v1/me', request: () => ({ path: '/api/v1/me', body: { displayName: 'Renamed' } }), expect: anyUser(200) },
  {
    route: 'POST /api/v1/auth/password',
    request: () => ({
      path: '/api/v1/auth/password',
      body: { currentPassword: 'correct horse battery', newPassword: 'correct horse battery' },
    }),
    expect: anyUser(204),
  },
  { route: 'POST /api/v1/auth/ws-ticket', request: () => ({ path: '/api/v1/auth/ws-ticket' }), expect: anyUser(200) },
  { route: 'POST /api/v1/auth/verify-email/resend', request: () => ({ path: '/api/v1/auth/verify-email/resend' }), expect: anyUser(202) },
  { route: 'POST /api/v1/workspaces', request: () => ({ path: '/api/v1/workspaces', body: { name: 'W' } }), expect: anyUser(201) },
  { route: 'GET /api/v1/workspaces', request: () => ({ path: '/api/v1/workspaces' }), expect: anyUser(200) },
  { route: 'GET /api/v1/workspaces/{id}', request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}` }), expect: readAll },
  {
    route: 'PATCH /api/v1/workspaces/{id}',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}`, body: { name: 'New name' } }),
    expect: ownerOnly(200),
  },
  { route: 'DELETE /api/v1/workspaces/{id}', request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}` }), expect: ownerOnly(204) },
  {
    route: 'GET /api/v1/workspaces/{id}/members',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members` }),
    expect: readAll,
  },
  {
    route: 'POST /api/v1/workspaces/{id}/members',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members`, body: { email: fx.users.outsider.email, role: 'viewer' } }),
    expect: ownerOnly(201),
  },
  {
    route: 'PATCH /api/v1/workspaces/{id}/members/{userId}',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members/${fx.spare.userId}`, body: { role: 'editor' } }),
    expect: ownerOnly(200),
  },
  {
    route: 'DELETE /api/v1/workspaces/{id}/members/{userId}',
    request: (fx) => ({ path: `/api/v1/workspaces/${fx.workspaceId}/members/${fx.spare.userId}` }),
    expect: ownerOnly(204),
  },
];

/** Public routes: reachable without a token by design (each is tested on its own elsewhere). */
const publicRoutes = new Set([
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password-reset/request',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/verify-email',
]);

let server: TestServer;
let users: Fixture['users'];

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
  users = {
    owner: await server.user('owner'),
    editor: await server.user('editor'),
    viewer: await server.user('viewer'),
    outsider: await server.user('outsider'),
  };
});
afterAll(() => server?.close());

async function fixture(): Promise<Fixture> {
  const ws = await users.owner.workspaces.create({ name: 'Matrix' });
  const spare = await server.user('spare');
  for (const [who, role] of [
    ['editor', 'editor'],
    ['viewer', 'viewer'],
  ] as const) {
    await users.owner.workspaces.addMember(ws.id, { email: users[who].email, role });
  }
  await users.owner.workspaces.addMember(ws.id, { email: spare.email, role: 'viewer' });
  return { workspaceId: ws.id, users, spare };
}

async function call(who: Who, method: string, path: string, body: unknown): Promise<number> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (who !== 'anonymous') headers.authorization = `Bearer ${users[who].accessToken}`;
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

describe('RBAC matrix', () => {
  it('has a row for every authenticated route of the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = new Set(table.map((r) => r.route));
    const missing = routes.filter((r) => !covered.has(r) && !publicRoutes.has(r));
    expect(missing).toEqual([]);
  });

  for (const row of table) {
    it(`${row.route}: ${WHO.map((w) => `${w} ${row.expect[w]}`).join(', ')}`, async () => {
      const [method] = row.route.split(' ');
      const got: Record<string, number> = {};
      // Least privileged first, each on a fresh fixture so one caller's success cannot change another's answer.
      for (const who of WHO) {
        const { path, body } = row.request(await fixture());
        got[who] = await call(who, method!, path, body);
      }
      expect(got).toEqual(row.expect);
    });
  }
});
