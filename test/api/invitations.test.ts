// Invitations and the sign-up policy (API.md "Invitations and sign-up"), against a real server,
// PostgreSQL and a real SMTP server.
import { ApiError, TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { startMailbox } from '../support/smtp.js';

const fail = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: ApiError) => e,
  );
const pw = 'correct horse battery';

describe('invitations (invite-only server with SMTP)', () => {
  let server: TestServer;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let admin: TandemClient;
  let adminId: string;

  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startTestServer({ TANDEM_SIGNUP: 'invite', SMTP_URL: mailbox.url, TANDEM_PUBLIC_URL: 'https://tandem.example.test' });
    admin = server.client();
    const res = await admin.auth.register({ email: 'first@example.test', password: pw, displayName: 'First' });
    adminId = res.user.id;
  });
  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  it('lets the very first account in without an invitation and makes it the server admin', async () => {
    const row = await server.db.prisma.user.findUniqueOrThrow({ where: { id: adminId } });
    expect(row.serverAdmin).toBe(true);
    expect(await server.client().auth.signupPolicy()).toEqual({ policy: 'invite', domains: [], firstUser: false });
  });

  it('refuses sign-up without a valid invitation with 403', async () => {
    const none = await fail(server.client().auth.register({ email: 'walkin@example.test', password: pw, displayName: 'Walk In' }));
    expect([none?.status, none?.code]).toEqual([403, 'forbidden']);
    expect(none?.message).toMatch(/invitation/);
    const bogus = await fail(
      server.client().auth.register({ email: 'walkin@example.test', password: pw, displayName: 'Walk In', invitation: 'nope' }),
    );
    expect(bogus?.status).toBe(403);
    const later = await server.client().auth.signupPolicy();
    expect(later.firstUser).toBe(false);
    expect(await server.db.prisma.user.count({ where: { serverAdmin: true } })).toBe(1);
  });

  it('mails an invitation to an address with no account; signing up with it joins the workspace and proves the address', async () => {
    const ws = await admin.workspaces.create({ name: 'Mailed' });
    const inv = await admin.invitations.create(ws.id, { email: 'New.Person@Example.test', role: 'editor' });
    expect(inv).toMatchObject({ email: 'new.person@example.test', role: 'editor', maxUses: 1, uses: 0, inviterName: 'First' });
    expect(inv.url).toBe(`https://tandem.example.test/invite/${inv.token}`);
    expect(await mailbox.tokenFor('new.person@example.test')).toBe(inv.token);
    expect(await server.client().invitations.preview(inv.token)).toEqual({
      workspaceName: 'Mailed',
      role: 'editor',
      inviterName: 'First',
      email: 'new.person@example.test',
    });
    // Someone else cannot use a personal invitation to get an account.
    const other = await fail(
      server.client().auth.register({ email: 'thief@example.test', password: pw, displayName: 'T', invitation: inv.token }),
    );
    expect(other?.status).toBe(403);
    const person = server.client();
    const res = await person.auth.register({ email: 'new.person@example.test', password: pw, displayName: 'New', invitation: inv.token });
    expect(res.user.emailVerified).toBe(true);
    expect((await person.workspaces.list()).items.map((w) => [w.name, w.role])).toEqual([['Mailed', 'editor']]);
    // Used up: gone from the list, and the link no longer opens.
    expect((await admin.invitations.list(ws.id)).items).toEqual([]);
    expect((await fail(server.client().invitations.preview(inv.token)))?.status).toBe(404);
  });

  it('joins a pending email invitation on sign-in once the address is verified', async () => {
    const ws = await admin.workspaces.create({ name: 'Later' });
    const link = await admin.invitations.create(ws.id, { role: 'viewer' });
    const elsewhere = await admin.workspaces.create({ name: 'Pending' });
    await admin.invitations.create(elsewhere.id, { email: 'dora@example.test', role: 'editor' });
    const dora = server.client();
    await dora.auth.register({ email: 'dora@example.test', password: pw, displayName: 'Dora', invitation: link.token });
    // Dora's address is not proven yet (she signed up with a link): the invitation waits.
    expect((await dora.invitations.pending()).items).toEqual([]);
    expect((await dora.workspaces.list()).items.map((w) => w.name)).toEqual(['Later']);
    const verify = await waitForVerifyToken(mailbox, 'dora@example.test');
    await server.client().auth.verifyEmail(verify);
    const again = server.client();
    await again.auth.login({ email: 'dora@example.test', password: pw });
    expect((await again.workspaces.list()).items.map((w) => w.name).sort()).toEqual(['Later', 'Pending']);
  });

  it('lets a link in as many people as it allows, until it expires or is revoked', async () => {
    const ws = await admin.workspaces.create({ name: 'Links' });
    const link = await admin.invitations.create(ws.id, { role: 'viewer', maxUses: 2 });
    expect(link.email).toBeNull();
    for (const name of ['ann', 'ben']) {
      const c = server.client();
      await c.auth.register({ email: `${name}@links.test`, password: pw, displayName: name, invitation: link.token });
      expect((await c.workspaces.list()).items.map((w) => w.role)).toEqual(['viewer']);
    }
    const third = await fail(
      server.client().auth.register({ email: 'cy@links.test', password: pw, displayName: 'cy', invitation: link.token }),
    );
    expect(third?.status).toBe(403);

    const revoked = await admin.invitations.create(ws.id, { role: 'editor' });
    expect((await admin.invitations.list(ws.id)).items.map((i) => i.id)).toContain(revoked.id);
    await admin.invitations.revoke(revoked.id);
    expect((await admin.invitations.list(ws.id)).items.map((i) => i.id)).not.toContain(revoked.id);
    expect((await fail(server.client().invitations.preview(revoked.token)))?.status).toBe(404);

    const soon = await admin.invitations.create(ws.id, { role: 'editor', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await server.db.prisma.invitation.update({ where: { id: soon.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await fail(server.client().invitations.preview(soon.token)))?.status).toBe(404);

    const past = await fail(admin.invitations.create(ws.id, { role: 'editor', expiresAt: new Date(Date.now() - 60_000).toISOString() }));
    expect([past?.status, past?.details]).toEqual([400, [expect.objectContaining({ field: 'expiresAt' })]]);
  });

  it('lets only owners invite, list and revoke; others are told nothing exists', async () => {
    const ws = await admin.workspaces.create({ name: 'Owners' });
    const link = await admin.invitations.create(ws.id, { role: 'viewer' });
    const viewer = server.client();
    await viewer.auth.register({ email: 'viewer@owners.test', password: pw, displayName: 'V', invitation: link.token });
    expect((await fail(viewer.invitations.create(ws.id, { role: 'owner' })))?.status).toBe(403);
    expect((await fail(viewer.invitations.revoke(link.id)))?.status).toBe(403);
    const stranger = server.client();
    const other = await admin.workspaces.create({ name: 'Other' });
    const otherLink = await admin.invitations.create(other.id, { role: 'viewer' });
    await stranger.auth.register({ email: 'stranger@owners.test', password: pw, displayName: 'S', invitation: otherLink.token });
    expect((await fail(stranger.invitations.list(ws.id)))?.status).toBe(404);
    expect((await fail(stranger.invitations.revoke(link.id)))?.status).toBe(404);
  });
});

describe('sign-up policy: allowed domains', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TANDEM_SIGNUP: 'domains', TANDEM_SIGNUP_DOMAINS: 'Acme.test, @corp.test' });
    await server.client().auth.register({ email: 'boss@elsewhere.test', password: pw, displayName: 'Boss' });
  });
  afterAll(() => server?.close());

  it('admits addresses at the allowed domains and refuses others with a sentence naming them', async () => {
    expect(await server.client().auth.signupPolicy()).toEqual({ policy: 'domains', domains: ['acme.test', 'corp.test'], firstUser: false });
    await server.client().auth.register({ email: 'a@acme.test', password: pw, displayName: 'A' });
    await server.client().auth.register({ email: 'b@corp.test', password: pw, displayName: 'B' });
    const err = await fail(server.client().auth.register({ email: 'c@evil.test', password: pw, displayName: 'C' }));
    expect(err?.status).toBe(403);
    expect(err?.message).toContain('acme.test, corp.test');
  });
});

async function waitForVerifyToken(mailbox: Awaited<ReturnType<typeof startMailbox>>, to: string): Promise<string> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const mail = mailbox.received.find((m) => m.to.includes(to) && /Confirm your/.test(m.raw));
    const token = mail && /Token: ([A-Za-z0-9_-]+)/.exec(mail.raw.replace(/=\r?\n/g, ''))?.[1];
    if (token) return token;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no verification mail for ${to}`);
}
