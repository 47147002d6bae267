// Backup and restore with the files in S3 (s3rver on loopback; it has no multipart uploads, so the
// files here stay far below the client's part size): `tandem backup` reads every object of the
// bucket into the archive, `tandem restore` writes them into an empty bucket of another deployment,
// and that deployment serves the same bytes.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG, type Config } from '../../apps/server/src/base/config/config.js';
import { runTandem } from '../support/cli.js';
import { createTestDatabase, startTestServer, type TestServer } from '../support/server.js';

const work = mkdtempSync(join(tmpdir(), 'tandem-backup-s3-'));

const tandem = runTandem;

let s3rver: S3rver;
let s3: Record<string, string>;
let source: TestServer;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')) });
  const { port } = (await s3rver.run()) as { port: number };
  s3 = { S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER' };
  source = await startTestServer({ ...s3, S3_BUCKET: `tandem-src-${randomBytes(3).toString('hex')}` });
});
afterAll(async () => {
  await source?.close();
  await s3rver?.close();
});

describe('backup and restore with S3 storage', () => {
  it('carries every stored object from one bucket to an empty one, byte for byte', async () => {
    const owner = await source.user('s3owner');
    const ws = await owner.workspaces.create({ name: 'In S3' });
    const project = await owner.tracking.projects.create(ws.id, { name: 'S3', key: 'SBK' });
    const task = await owner.tracking.tasks.create(project.id, { title: 'Attachments' });
    const payloads = [randomBytes(200_000), Buffer.from('plain notes\n'), randomBytes(1024)];
    for (const [i, p] of payloads.entries()) await owner.files.upload({ taskId: task.id }, new Blob([p]), { name: `file-${i}.bin` });

    const archive = join(work, 'backup.tar');
    const sourceEnv = {
      DATABASE_URL: source.databaseUrl,
      TANDEM_DATA_DIR: source.app.get<Config>(CONFIG).dataDir,
      ...s3,
      S3_BUCKET: source.app.get<Config>(CONFIG).S3_BUCKET!,
    };
    const made = await tandem(['backup', '--out', archive], sourceEnv);
    expect(made.err).toBe('');
    expect(made.out).toMatch(/: \d+ tables, \d+ rows, 3 files/);

    const target = await createTestDatabase();
    const targetEnv = {
      DATABASE_URL: target.url,
      TANDEM_DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-restore-s3-')),
      ...s3,
      S3_BUCKET: `tandem-dst-${randomBytes(3).toString('hex')}`,
    };
    try {
      const restored = await tandem(['restore', '--in', archive], targetEnv);
      expect(restored.err).toBe('');
      expect(restored.code).toBe(0);
      const copy = await startTestServer(targetEnv, target.url);
      try {
        const me = copy.client();
        await me.auth.login({ email: owner.email, password: 'correct horse battery' });
        const files = (await me.files.forTask(task.id)).items;
        expect(files.map((f) => f.name).sort()).toEqual(['file-0.bin', 'file-1.bin', 'file-2.bin']);
        for (const f of files) {
          const bytes = Buffer.from(await (await me.files.download(f.id)).arrayBuffer());
          expect(sha(bytes), f.name).toBe(sha(payloads[Number(f.name.slice(5, 6))]!));
        }
      } finally {
        await copy.app.close();
      }
    } finally {
      await target.drop();
    }
  }, 180_000);
});
