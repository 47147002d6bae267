// Hostile strings and cursors get a 400 validation_failed naming the field, never a 500: NUL bytes
// and lone surrogates in any body field, object key or query filter (one check in the validation
// layer), and cursors holding values of the wrong type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let token: string;
let workspaceId: string;
let projectId: string;
let taskId: string;

beforeAll(async () => {
  server = await startTestServer();
  const user = await server.user('input');
  token = user.accessToken!;
  workspaceId = (await user.workspaces.create({ name: 'Input' })).id;
  projectId = (await user.tracking.projects.create(workspaceId, { name: 'Input', key: 'INP' })).id;
  taskId = (await user.tracking.tasks.create(projectId, { title: 'Target' })).id;
});
afterAll(async () => {
  await server?.close();
});

async function call(method: string, path: string, body?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { error?: { code: string; details?: { field: string }[] } } };
}

const cursor = (raw: string) => Buffer.from(raw).toString('base64url');

describe('strings', () => {
  it('refuses NUL and lone surrogates in body fields, nested fields and keys with 400 naming the field', async () => {
    const cases: [string, string, string, string][] = [
      ['POST', '/api/v1/workspaces', '{"name":"a\\u0000b"}', 'name'],
      ['POST', '/api/v1/workspaces', '{"name":"half \\ud800 pair"}', 'name'],
      ['POST', '/api/v1/workspaces', '{"name":"low \\udc00 only"}', 'name'],
      ['POST', `/api/v1/projects/${projectId}/tasks`, '{"title":"ok","description":"x\\u0000"}', 'description'],
      ['POST', `/api/v1/tasks/${taskId}/comments`, '{"body":"\\ud83d"}', 'body'],
      ['POST', `/api/v1/workspaces/${workspaceId}/documents`, '{"title":"t","x\\u0000":1}', '(key)'],
      ['POST', '/api/v1/auth/login', '{"email":"a\\u0000@b.test","password":"x"}', 'email'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(method, path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 400 });
      expect(res.body.error?.code).toBe('validation_failed');
      expect(res.body.error?.details?.some((d) => d.field === field)).toBe(true);
    }
    // A well-formed pair (an emoji) is fine.
    expect((await call('POST', '/api/v1/workspaces', '{"name":"Launch \\ud83d\\ude80"}')).status).toBe(201);
  });

  it('refuses them in query filters too', async () => {
    for (const q of ['%00', 'a%00b', 'x%00%00']) {
      const res = await call('GET', `/api/v1/projects/${projectId}/tasks?q=${q}`);
      expect(res.status).toBe(400);
    }
    expect((await call('GET', `/api/v1/projects/${projectId}/tasks?q=Target`)).status).toBe(200);
  });
});

describe('cursors', () => {
  it('answers 400 for cursors holding values of the wrong type or shape', async () => {
    const lists = [`/api/v1/notifications`, `/api/v1/tasks/${taskId}/comments`, `/api/v1/projects/${projectId}/activity`];
    for (const list of lists) {
      for (const raw of ['["not-a-uuid"]', '[1]', '[null]', '[{"a":1}]', '[]', 'nope', '["\\u0000"]']) {
        const res = await call('GET', `${list}?cursor=${cursor(raw)}`);
        expect({ list, raw, status: res.status }).toEqual({ list, raw, status: 400 });
      }
    }
    const tasks = [
      ['', '["x"]'],
      ['', '[1.5]'],
      ['', '[1e400]'],
      ['&order=rank', '["rank","not-a-uuid"]'],
      ['&order=rank', '["a\\u0000","00000000-0000-4000-8000-000000000000"]'],
      ['&order=rank', '[1,2]'],
    ];
    for (const [order, raw] of tasks) {
      const res = await call('GET', `/api/v1/projects/${projectId}/tasks?cursor=${cursor(raw!)}${order}`);
      expect({ raw, status: res.status }).toEqual({ raw, status: 400 });
    }
    expect((await call('GET', `/api/v1/projects/${projectId}/tasks?cursor=${cursor('[999]')}`)).status).toBe(200);
  });
});
