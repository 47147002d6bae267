// Backup and restore as an operator runs them (`tandem backup` / `tandem restore`, separate
// processes, the server's environment): everything comes back, a damaged archive changes nothing,
// and a deployment that holds data is not overwritten by accident.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG, type Config } from '../../apps/server/src/base/config/config.js';
import { runTandem } from '../support/cli.js';
import { createTestDatabase, startTestServer, type TestServer } from '../support/server.js';

const tandem = runTandem;

let source: TestServer;
let sourceEnv: Record<string, string>;
const work = mkdtempSync(join(tmpdir(), 'tandem-backup-test-'));
const archive = join(work, 'backup.tar');
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

async function tableCounts(url: string): Promise<Record<string, number>> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows;
    const out: Record<string, number> = {};
    for (const { t } of tables) out[t] = Number((await c.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
    return out;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  source = await startTestServer();
  const dataDir = source.app.get<Config>(CONFIG).dataDir;
  sourceEnv = { DATABASE_URL: source.databaseUrl, TANDEM_DATA_DIR: dataDir };
  const owner = await source.user('owner');
  const ws = await owner.workspaces.create({ name: 'Backed up' });
  const project = await owner.tracking.projects.create(ws.id, { name: 'Site', key: 'BAK' });
  const task = await owner.tracking.tasks.create(project.id, { title: 'Keep me safe' });
  await owner.tracking.comments.create(task.id, { body: 'A comment that must survive' });
  const doc = await owner.documents.importMarkdown(ws.id, { title: 'Runbook', markdown: '# Restore\n\nEvery **word** comes back.' });
  await owner.documents.saveVersion(doc.id, { name: 'Before the restore' });
  await owner.files.upload({ taskId: task.id }, new Blob([png]), { name: 'pixel.png' });
  await owner.files.upload({ documentId: doc.id }, new Blob([Buffer.from('plain notes\n')]), { name: 'notes.txt' });
});

afterAll(async () => {
  await source?.close();
});

describe('tandem backup and restore', () => {
  it('writes one archive while the server runs, and restores every row, file and document into an empty deployment', async () => {
    const made = await tandem(['backup', '--out', archive], sourceEnv);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^backup written to .*backup\.tar: \d+ tables, \d+ rows, [1-9]\d* files/);

    const target = await createTestDatabase();
    const targetDir = mkdtempSync(join(tmpdir(), 'tandem-restore-'));
    try {
      const restored = await tandem(['restore', '--in', archive], { DATABASE_URL: target.url, TANDEM_DATA_DIR: targetDir });
      expect(restored.err).toBe('');
      expect(restored.out).toMatch(/^restored the backup of /);
      expect(restored.code).toBe(0);
      expect(await tableCounts(target.url)).toEqual(await tableCounts(source.databaseUrl));

      const copy = await startTestServer({ TANDEM_DATA_DIR: targetDir }, target.url);
      try {
        const owner = copy.client();
        const me = (await source.db.pool.query(`SELECT email FROM "User" LIMIT 1`)).rows[0].email as string;
        await owner.auth.login({ email: me, password: 'correct horse battery' });
        const [ws] = (await owner.workspaces.list()).items;
        const docs = (await owner.documents.list(ws!.id)).items;
        const runbook = docs.find((d) => d.title === 'Runbook')!;
        expect(await owner.documents.content(runbook.id, 'text')).toContain('Every word comes back.');
        expect((await owner.documents.history(runbook.id)).items.length).toBeGreaterThan(0);
        const [project] = (await owner.tracking.projects.list(ws!.id)).items;
        const [task] = (await owner.tracking.tasks.list(project!.id)).items;
        const files = (await owner.files.forTask(task!.id)).items;
        expect(files.map((f) => f.name)).toEqual(['pixel.png']);
        const bytes = Buffer.from(await (await owner.files.download(files[0]!.id)).arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(png).digest('hex'));
      } finally {
        await copy.app.close();
      }
    } finally {
      await target.drop();
    }
  }, 180_000);

  it('refuses to restore over a deployment that holds data unless --force is given', async () => {
    const refused = await tandem(['restore', '--in', archive], sourceEnv);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('the target deployment already holds data');
  });

  it('refuses a tampered or truncated archive and leaves the target untouched', async () => {
    const target = await createTestDatabase();
    const targetDir = mkdtempSync(join(tmpdir(), 'tandem-restore-'));
    try {
      const before = await tableCounts(target.url);
      const tampered = join(work, 'tampered.tar');
      const bytes = readFileSync(archive);
      bytes[Math.floor(bytes.length / 3)] ^= 0xff;
      writeFileSync(tampered, bytes);
      const bad = await tandem(['restore', '--in', tampered], { DATABASE_URL: target.url, TANDEM_DATA_DIR: targetDir });
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/the archive is damaged/);

      const truncated = join(work, 'truncated.tar');
      writeFileSync(truncated, readFileSync(archive));
      truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
      const cut = await tandem(['restore', '--in', truncated], { DATABASE_URL: target.url, TANDEM_DATA_DIR: targetDir });
      expect(cut.code).toBe(1);
      expect(cut.err).toMatch(/damaged or truncated/);

      expect(await tableCounts(target.url)).toEqual(before);
    } finally {
      await target.drop();
    }
  });
});
