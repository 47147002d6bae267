// HTTP surface: security headers the built web client still satisfies, no caching of token-bearing
// answers, JSON-only bodies, CORS, idle half-sent requests, forged and confused tokens, and paths
// that try to leave the web client's directory.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const SECRET = randomBytes(32).toString('hex');
let server: TestServer;
let webDir: string;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'tandem-web-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Tandem</title>');
  writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'tandem-outside-secret.txt'), 'outside the web directory');
  server = await startTestServer({
    TANDEM_SECRET: SECRET,
    TANDEM_WEB_DIR: webDir,
    TANDEM_ALLOWED_ORIGINS: 'https://app.example.test',
    HTTP_IDLE_TIMEOUT_MS: '4000',
  });
});
afterAll(async () => {
  await server?.close();
});

const api = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

describe('security headers', () => {
  it('sends CSP with frame-ancestors, nosniff, a referrer policy and frame denial on pages and API answers', async () => {
    for (const res of [await api('/', { headers: { accept: 'text/html' } }), await api('/api/v1/me'), await api('/health/live')]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('marks every token-bearing auth answer Cache-Control: no-store', async () => {
    const email = `cache.${randomBytes(3).toString('hex')}@example.test`;
    const body = (b: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    const registered = await api('/api/v1/auth/register', body({ email, password: 'correct horse battery', displayName: 'Cache' }));
    expect(registered.status).toBe(201);
    expect(registered.headers.get('cache-control')).toBe('no-store');
    const login = await api('/api/v1/auth/login', body({ email, password: 'correct horse battery' }));
    expect(login.headers.get('cache-control')).toBe('no-store');
    const { refreshToken } = (await login.json()) as { refreshToken: string };
    const refreshed = await api('/api/v1/auth/refresh', body({ refreshToken }));
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('cache-control')).toBe('no-store');
  });
});

describe('request bodies', () => {
  it('answers form-encoded and plain-text bodies on JSON routes with 415 unsupported_media_type', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'email=a%40b.test&password=x'],
      ['text/plain', '{"email":"a@b.test","password":"x"}'],
      ['multipart/form-data; boundary=x', '--x--'],
    ]) {
      const res = await api('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': type! }, body });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    }
  });
});

describe('CORS', () => {
  it('allows only the configured origins, and never with credentials', async () => {
    const preflight = (origin: string) =>
      api('/api/v1/me', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    const good = await preflight('https://app.example.test');
    expect(good.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect(good.headers.get('access-control-allow-credentials')).toBeNull();
    const evil = await preflight('https://evil.example.test');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('slow clients', () => {
  it('closes a connection that sends half a request and then goes silent', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const closed = await new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
    });
    expect(closed).toBe(true);
  });
});

function b64(value: unknown) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function forge(header: Record<string, unknown>, payload: Record<string, unknown>, key: string | null = SECRET) {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  const signature = key === null ? '' : createHmac('sha256', key).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

describe('tokens', () => {
  it('refuses tokens with alg none, another key, another type, no exp, or an edited payload', async () => {
    const user = await server.user('jwt');
    const real = JSON.parse(Buffer.from(user.accessToken!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const { exp: _exp, ...withoutExp } = real;
    const forged = [
      forge({ alg: 'none', typ: 'JWT' }, real, null),
      forge({ alg: 'HS256', typ: 'JWT' }, real, 'not the secret'),
      forge({ alg: 'HS512', typ: 'JWT' }, real),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...real, typ: 'refresh', aud: 'tandem:refresh' }),
      forge({ alg: 'HS256', typ: 'JWT' }, withoutExp),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...real, exp: now - 10 }),
      `${user.accessToken!.split('.')[0]}.${b64({ ...real, sub: '00000000-0000-4000-8000-000000000000' })}.${user.accessToken!.split('.')[2]}`,
    ];
    expect((await api('/api/v1/me', { headers: { authorization: `Bearer ${forge({ alg: 'HS256', typ: 'JWT' }, real)}` } })).status).toBe(
      200,
    );
    for (const token of forged) {
      const res = await api('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    }
  });
});

describe('path traversal', () => {
  it('never serves a file outside the web client directory, however the path is spelled', async () => {
    expect((await api('/assets/app.js')).status).toBe(200);
    for (const path of [
      '/../tandem-outside-secret.txt',
      '/%2e%2e/tandem-outside-secret.txt',
      '/assets/..%2f..%2ftandem-outside-secret.txt',
      '/..%5ctandem-outside-secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2ftandem-outside-secret.txt',
      '/%00/etc/passwd',
      '/..%252ftandem-outside-secret.txt',
    ]) {
      const res = await api(path, { headers: { accept: 'text/html' } });
      const text = await res.text();
      expect(text).not.toContain('outside the web directory');
      expect(text).not.toContain('root:');
    }
  });
});
