// The workspace audit log: an entry for every membership, role, override, share, deletion and
// webhook change, written in the same transaction as the change; read by owners only, newest first,
// page by page and filtered, or exported as CSV that a spreadsheet cannot run. And each person's own
// sign-in history.
import { ApiError } from '@tandem/client';
import type { AuditEntryView } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../apps/server/src/core/audit/audit-csv.js';
import { addMember } from '../support/membership.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
});
afterAll(() => server?.close());

/** A public address literal: webhook targets are not resolved when saved. */
const HOOK_URL = 'http://192.0.43.10/hook';

async function team() {
  const owner = await server.user('owner');
  const bob = await server.user('bob');
  const ws = await owner.workspaces.create({ name: 'Audited' });
  await addMember(owner, ws.id, bob, 'viewer');
  return { owner, bob, ws };
}

async function entries(client: Awaited<ReturnType<TestServer['user']>>, workspaceId: string): Promise<AuditEntryView[]> {
  return (await client.audit.list(workspaceId, { limit: 200 })).items;
}

const failure = (p: Promise<unknown>) => p.then(() => null).catch((e: ApiError) => e);

describe('audit entries', () => {
  it('records members, roles, overrides, shares, deletions and webhooks, newest first, with names kept', async () => {
    const { owner, bob, ws } = await team();
    await owner.workspaces.updateMember(ws.id, bob.userId, { role: 'editor' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'Launch', key: 'LCH' });
    await owner.tracking.projects.setMember(project.id, bob.userId, { role: 'viewer' });
    await owner.tracking.projects.clearMember(project.id, bob.userId);
    const doc = await owner.documents.create(ws.id, { title: 'Plans' });
    await owner.documents.share(doc.id, bob.userId, 'viewer');
    await owner.documents.share(doc.id, bob.userId, 'editor');
    await owner.documents.unshare(doc.id, bob.userId);
    await owner.documents.trash(doc.id);
    await owner.documents.purge(doc.id);
    await owner.tracking.projects.remove(project.id);
    const hook = await owner.identity.webhooks.create(ws.id, { url: HOOK_URL, events: ['*'] });
    await owner.identity.webhooks.remove(hook.id);
    await owner.workspaces.removeMember(ws.id, bob.userId);

    const items = await entries(owner, ws.id);
    expect(items.map((e) => e.action)).toEqual([
      'member.removed',
      'webhook.deleted',
      'webhook.created',
      'project.deleted',
      'document.deleted',
      'document.deleted',
      'document.unshared',
      'document.shared',
      'document.shared',
      'project.override_cleared',
      'project.override_set',
      'member.role_changed',
      'member.added',
    ]);
    const by = (action: string) => items.filter((e) => e.action === action);
    expect(by('member.added')[0]).toMatchObject({
      actorId: bob.userId,
      targetType: 'user',
      targetId: bob.userId,
      details: { email: bob.email, role: 'viewer', inviterId: owner.userId },
    });
    expect(by('member.role_changed')[0]).toMatchObject({
      actorId: owner.userId,
      actor: { displayName: owner.displayName, email: owner.email },
      targetType: 'user',
      targetId: bob.userId,
      details: { email: bob.email, from: 'viewer', to: 'editor' },
    });
    expect(by('project.override_set')[0]).toMatchObject({
      targetId: bob.userId,
      details: { projectName: 'Launch', from: null, to: 'viewer' },
    });
    expect(by('project.override_cleared')[0]).toMatchObject({ targetId: bob.userId, details: { projectKey: 'LCH', from: 'viewer' } });
    expect(by('document.shared').map((e) => e.details)).toMatchObject([
      { title: 'Plans', userId: bob.userId, from: 'viewer', to: 'editor' },
      { title: 'Plans', userId: bob.userId, from: null, to: 'viewer' },
    ]);
    expect(by('document.unshared')[0]).toMatchObject({ targetType: 'document', targetId: doc.id, details: { from: 'editor' } });
    // The purged document and the deleted project are gone; their entries still name them.
    expect(by('document.deleted').map((e) => e.details)).toMatchObject([
      { title: 'Plans', permanent: true },
      { title: 'Plans', permanent: false },
    ]);
    expect(by('project.deleted')[0]).toMatchObject({
      targetType: 'project',
      targetId: project.id,
      details: { key: 'LCH', name: 'Launch' },
    });
    expect(by('webhook.created')[0]).toMatchObject({ targetType: 'webhook', targetId: hook.id, details: { url: HOOK_URL, events: ['*'] } });
    expect(by('webhook.deleted')[0]).toMatchObject({ targetId: hook.id, details: { url: HOOK_URL } });
    expect(by('member.removed')[0]).toMatchObject({ actorId: owner.userId, details: { email: bob.email, role: 'editor', left: false } });
    for (const e of items) expect(Date.parse(e.createdAt)).not.toBeNaN();
  });

  it('records a member leaving on their own, and a change to the same role not at all', async () => {
    const { owner, bob, ws } = await team();
    await owner.workspaces.updateMember(ws.id, bob.userId, { role: 'viewer' });
    await bob.workspaces.removeMember(ws.id, bob.userId);
    const items = await entries(owner, ws.id);
    expect(items.map((e) => e.action)).toEqual(['member.removed', 'member.added']);
    expect(items[0]).toMatchObject({ actorId: bob.userId, details: { left: true } });
  });

  it('records the deletion of a workspace, which outlives it in the database', async () => {
    const { owner, ws } = await team();
    await owner.workspaces.remove(ws.id);
    const rows = await server.db.prisma.auditEntry.findMany({ where: { workspaceId: ws.id, action: 'workspace.deleted' } });
    expect(rows).toMatchObject([{ actorId: owner.userId, targetType: 'workspace', targetId: ws.id, details: { name: 'Audited' } }]);
  });
});

describe('audit entries share the fate of their change', () => {
  it('leaves the change undone when its entry cannot be written', async () => {
    const { owner, bob, ws } = await team();
    const sql = server.db.prisma;
    await sql.$executeRawUnsafe(`CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."workspaceId" = '${ws.id}'::uuid THEN RAISE EXCEPTION 'audit entry refused by the test'; END IF; RETURN NEW; END $$`);
    await sql.$executeRawUnsafe(
      `CREATE TRIGGER test_refuse_audit BEFORE INSERT ON "AuditEntry" FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()`,
    );
    try {
      expect((await failure(owner.workspaces.updateMember(ws.id, bob.userId, { role: 'owner' })))?.status).toBe(500);
      expect((await failure(owner.identity.webhooks.create(ws.id, { url: HOOK_URL, events: ['*'] })))?.status).toBe(500);
    } finally {
      await sql.$executeRawUnsafe('DROP TRIGGER test_refuse_audit ON "AuditEntry"');
      await sql.$executeRawUnsafe('DROP FUNCTION test_refuse_audit()');
    }
    const members = (await owner.workspaces.members(ws.id)).items;
    expect(members.find((m) => m.userId === bob.userId)?.role).toBe('viewer');
    expect((await owner.identity.webhooks.list(ws.id)).items).toEqual([]);
  });

  it('leaves no entry when the change itself fails in the database', async () => {
    const { owner, bob, ws } = await team();
    const sql = server.db.prisma;
    // (A failure at COMMIT, after both writes, would prove the same; Prisma's pg adapter keeps the
    // connection of a transaction whose COMMIT failed, so the test fails the change's statement.)
    await sql.$executeRawUnsafe(`CREATE FUNCTION test_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."workspaceId" = '${ws.id}'::uuid THEN RAISE EXCEPTION 'change refused by the test'; END IF; RETURN NEW; END $$`);
    await sql.$executeRawUnsafe(
      `CREATE TRIGGER test_refuse_change BEFORE UPDATE ON "WorkspaceMember" FOR EACH ROW EXECUTE FUNCTION test_refuse_change()`,
    );
    try {
      expect((await failure(owner.workspaces.updateMember(ws.id, bob.userId, { role: 'editor' })))?.status).toBe(500);
    } finally {
      await sql.$executeRawUnsafe('DROP TRIGGER test_refuse_change ON "WorkspaceMember"');
      await sql.$executeRawUnsafe('DROP FUNCTION test_refuse_change()');
    }
    expect((await entries(owner, ws.id)).map((e) => e.action)).toEqual(['member.added']);
    expect((await owner.workspaces.members(ws.id)).items.find((m) => m.userId === bob.userId)?.role).toBe('viewer');
  });

  it('leaves no entry for a change that was refused', async () => {
    const { owner, bob, ws } = await team();
    // The last owner cannot step down; a viewer cannot delete a webhook.
    expect((await failure(owner.workspaces.updateMember(ws.id, owner.userId, { role: 'viewer' })))?.status).toBe(409);
    const hook = await owner.identity.webhooks.create(ws.id, { url: HOOK_URL, events: ['*'] });
    expect((await failure(bob.identity.webhooks.remove(hook.id)))?.status).toBe(403);
    expect((await entries(owner, ws.id)).map((e) => e.action)).toEqual(['webhook.created', 'member.added']);
  });
});

describe('reading the audit log', () => {
  it('is for owners: other members get 403, outsiders 404, anonymous callers 401', async () => {
    const { owner, bob, ws } = await team();
    const outsider = await server.user('outsider');
    expect((await owner.audit.list(ws.id)).items.length).toBe(1);
    for (const [who, status] of [
      [bob, 403],
      [outsider, 404],
      [server.client(), 401],
    ] as const) {
      expect((await failure(who.audit.list(ws.id)))?.status).toBe(status);
      expect((await failure(who.audit.csv(ws.id)))?.status).toBe(status);
    }
    const refused = await failure(bob.audit.list(ws.id));
    expect(refused).toMatchObject({ code: 'forbidden', message: expect.any(String) });
  });

  it('pages newest first without gaps or repeats, and filters by action, person and time', async () => {
    const { owner, bob, ws } = await team();
    const roles = ['editor', 'viewer', 'editor', 'viewer'] as const;
    for (const role of roles) await owner.workspaces.updateMember(ws.id, bob.userId, { role });
    const all = await entries(owner, ws.id);
    expect(all).toHaveLength(5);

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await owner.audit.list(ws.id, { limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.map((e) => e.id));

    const changes = (await owner.audit.list(ws.id, { action: 'member.role_changed' })).items;
    expect(changes.map((e) => e.details.to)).toEqual(['viewer', 'editor', 'viewer', 'editor']);
    expect((await owner.audit.list(ws.id, { actorId: bob.userId })).items.map((e) => e.action)).toEqual(['member.added']);
    expect((await owner.audit.list(ws.id, { actorId: owner.userId })).items).toHaveLength(4);
    const third = all[2]!;
    const since = (await owner.audit.list(ws.id, { since: third.createdAt })).items;
    expect(since.map((e) => e.id)).toEqual(all.filter((e) => e.createdAt >= third.createdAt).map((e) => e.id));
    expect((await owner.audit.list(ws.id, { since: new Date(Date.now() + 3_600_000).toISOString() })).items).toEqual([]);
  });

  it('answers 400 with the error shape for a bad cursor or filter', async () => {
    const { owner, ws } = await team();
    const bad = async (query: string) => {
      const res = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/audit?${query}`, {
        headers: { authorization: `Bearer ${owner.accessToken}` },
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; details?: unknown } } };
    };
    for (const query of [
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('["x"]').toString('base64url')}`,
      'action=task.created',
      'actorId=42',
      'since=yesterday',
      'limit=0',
      'colour=red',
    ]) {
      const { status, body } = await bad(query);
      expect(status, query).toBe(400);
      expect(body.error.code, query).toBe('validation_failed');
      expect(body.error.message, query).toEqual(expect.any(String));
    }
    const csv = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/audit.csv?action=nope`, {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(csv.status).toBe(400);
  });
});

describe('the CSV export', () => {
  it('has a header row and one row per entry, with the same filters, as an attachment', async () => {
    const { owner, bob, ws } = await team();
    await owner.workspaces.updateMember(ws.id, bob.userId, { role: 'editor' });
    const res = await owner.audit.downloadCsv(ws.id);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('id,createdAt,action,actorId,actorEmail,actorName,targetType,targetId,details');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).map((l) => l.split(',')[2])).toEqual(['member.role_changed', 'member.added']);
    const filtered = (await owner.audit.csv(ws.id, { action: 'member.added' })).split('\r\n');
    expect(filtered).toHaveLength(3);
    expect(filtered[1]).toContain(`,member.added,${bob.userId},${bob.email},`);
  });

  it('quotes commas, quotes and line breaks, and keeps formula-looking names as text', async () => {
    const owner = await server.user('owner');
    const mallory = await server.user('mallory');
    await mallory.updateMe({ displayName: '=HYPERLINK("http://evil.example","click")' });
    const ws = await owner.workspaces.create({ name: 'Escapes' });
    await addMember(owner, ws.id, mallory, 'viewer');
    const text = await owner.audit.csv(ws.id);
    const row = text.split('\r\n')[1]!;
    expect(row).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
    // The details column is JSON: quoted, its quotes doubled.
    expect(row).toContain(`""email"":""${mallory.email}""`);
  });

  it('escapes each cell by the same rules', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2,3')).toBe(`"'-2,3"`);
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvRow(['a', 'b,c', null])).toBe('a,"b,c",\r\n');
  });
});

describe('sign-in history', () => {
  async function login(email: string, userAgent: string) {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent },
      body: JSON.stringify({ email, password: 'correct horse battery' }),
    });
    const c = server.client();
    c.http.setTokens((await res.json()) as { accessToken: string; refreshToken: string });
    return c;
  }

  it('lists each sign-in newest first with method, address and device, marking this one; a refresh is not a sign-in', async () => {
    const ann = await server.user('ann');
    const laptop = await login(ann.email, 'Mozilla/5.0 (Windows NT 10.0) Firefox/140.0');
    const phone = await login(ann.email, 'Mozilla/5.0 (iPhone) Safari/605.1');
    await phone.auth.refresh();
    await laptop.identity.sessions.end((await phone.identity.sessions.list()).items.find((s) => s.current)!.id);

    const { items } = await laptop.identity.signIns.list();
    expect(items).toHaveLength(3);
    expect(items.map((s) => s.userAgent)).toEqual([
      'Mozilla/5.0 (iPhone) Safari/605.1',
      'Mozilla/5.0 (Windows NT 10.0) Firefox/140.0',
      expect.toSatisfy((ua: string | null) => ua === null || !ua.includes('iPhone')),
    ]);
    expect(items.every((s) => s.method === 'password' && s.ip === '127.0.0.1')).toBe(true);
    expect(items.map((s) => s.current)).toEqual([false, true, false]);
    // The phone's login was ended from the laptop: still listed, as ended.
    expect(items[0]).toMatchObject({ active: false, endedAt: expect.any(String) });
    expect(items[1]).toMatchObject({ active: true, endedAt: null });
    expect((await laptop.identity.signIns.list({ limit: 1 })).items.map((s) => s.id)).toEqual([items[0]!.id]);
  });

  it("shows only the caller's own sign-ins", async () => {
    const bea = await server.user('bea');
    const cal = await server.user('cal');
    const beas = (await bea.identity.signIns.list()).items;
    const cals = (await cal.identity.signIns.list()).items;
    expect(beas).toHaveLength(1);
    expect(cals).toHaveLength(1);
    expect(beas[0]!.id).not.toBe(cals[0]!.id);
  });

  it('refuses a bad limit with 400', async () => {
    const dan = await server.user('dan');
    expect((await failure(dan.identity.signIns.list({ limit: 0 })))?.status).toBe(400);
    expect(((await failure(dan.identity.signIns.list({ limit: 1000 }))) as ApiError).code).toBe('validation_failed');
  });
});
