// Failed sign-ins lock the pair (email, address) and, much later, the address; never the account:
// nobody can lock a colleague out by typing their email with wrong passwords.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  // Behind a trusted proxy, so each request can come "from" its own address.
  server = await startTestServer({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '60', TANDEM_TRUST_PROXY: 'true' });
});
afterAll(() => server?.close());

async function login(email: string, password: string, from: string) {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ email, password }),
  });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

describe('sign-in throttle', () => {
  it('locks the failing address out of that account, while the right password from another address still signs in', async () => {
    const bob = await server.user('bob');
    for (let i = 0; i < 3; i++) expect((await login(bob.email, 'wrong', '203.0.113.7')).status).toBe(401);
    const locked = await login(bob.email, 'correct horse battery', '203.0.113.7');
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect((await login(bob.email, 'correct horse battery', '198.51.100.20')).status).toBe(200);
    // The attacker's address stays locked for bob after bob signed in elsewhere.
    expect((await login(bob.email, 'correct horse battery', '203.0.113.7')).status).toBe(429);
  });

  it('keeps letting the account in from a new address after failures from many addresses (slowed, not locked)', async () => {
    const cat = await server.user('cat');
    for (let i = 0; i < 8; i++) expect((await login(cat.email, 'wrong', `192.0.2.${10 + i}`)).status).toBe(401);
    expect((await login(cat.email, 'correct horse battery', '192.0.2.200')).status).toBe(200);
  });

  it('locks an address that fails across many accounts, for every account, right password or not', async () => {
    const dan = await server.user('dan');
    const from = '198.51.100.99';
    // Ten times the per-pair limit, spread over accounts so no single pair locks first.
    for (let i = 0; i < 30; i++) await login(`nobody${i}@example.test`, 'wrong', from);
    expect((await login(dan.email, 'correct horse battery', from)).status).toBe(429);
    expect((await login(dan.email, 'correct horse battery', '198.51.100.100')).status).toBe(200);
  });

  it('a failing address does not lock a different account it never tried', async () => {
    const eve = await server.user('eve');
    const fay = await server.user('fay');
    for (let i = 0; i < 3; i++) await login(eve.email, 'wrong', '203.0.113.50');
    expect((await login(fay.email, 'correct horse battery', '203.0.113.50')).status).toBe(200);
  });
});
