// Scheduled cleanup of stored files (one node at a time, through the JobRegistry):
// 1. file records of documents that have been in the trash longer than TRASH_RETENTION_DAYS;
// 2. bytes and thumbnails that no file record uses (a deleted task takes its records with it);
// 3. temporary upload objects left by a node that died mid-upload.
// Objects younger than FILES_CLEANUP_GRACE_SECONDS are spared: an upload or thumbnail may be in flight.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { JobRegistry } from '../../base/jobs/job-registry.js';
import { ObjectStorage, type StoredObject } from '../../base/storage/object-storage.js';
import { FilesService } from './files.service.js';
import { BLOB_PREFIX, THUMB_PREFIX, TMP_PREFIX } from './storage-keys.js';

const BATCH = 500;

@Injectable()
export class FilesCleanupJob implements OnModuleInit {
  static readonly jobName = 'files.cleanup';

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly prisma: PrismaClient,
    private readonly storage: ObjectStorage,
    private readonly files: FilesService,
    private readonly registry: JobRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ name: FilesCleanupJob.jobName, everyMs: 60 * 60 * 1000, run: () => this.run() });
  }

  async run(): Promise<Record<string, number>> {
    const records = await this.removeTrashedRecords();
    const old = (o: StoredObject) => !o.modifiedAt || Date.now() - o.modifiedAt.getTime() >= this.config.FILES_CLEANUP_GRACE_SECONDS * 1000;
    let bytes = 0;
    let thumbnails = 0;
    let temporary = 0;
    for await (const batch of batches(this.storage.list(BLOB_PREFIX), BATCH)) {
      const candidates = batch.filter(old);
      const used = new Set(
        (
          await this.prisma.file.findMany({
            where: { storageKey: { in: candidates.map((o) => o.key) } },
            select: { storageKey: true },
            distinct: ['storageKey'],
          })
        ).map((r) => r.storageKey),
      );
      for (const o of candidates) {
        if (used.has(o.key)) continue;
        const sha256 = o.key.split('/').at(-1)!;
        if (await this.files.releaseBytes(sha256, o.key, null)) bytes++;
      }
    }
    for await (const batch of batches(this.storage.list(THUMB_PREFIX), BATCH)) {
      const candidates = batch.filter(old);
      const used = new Set(
        (
          await this.prisma.file.findMany({
            where: { thumbnailKey: { in: candidates.map((o) => o.key) } },
            select: { thumbnailKey: true },
            distinct: ['thumbnailKey'],
          })
        ).map((r) => r.thumbnailKey),
      );
      for (const o of candidates) {
        if (used.has(o.key)) continue;
        await this.storage.delete(o.key);
        thumbnails++;
      }
    }
    for await (const o of this.storage.list(TMP_PREFIX)) {
      if (!old(o)) continue;
      await this.storage.delete(o.key);
      temporary++;
    }
    return { records, bytes, thumbnails, temporary };
  }

  /** Records of documents in the trash (themselves or under a trashed ancestor) past the retention. */
  private async removeTrashedRecords(): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.TRASH_RETENTION_DAYS * 86_400_000);
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH RECURSIVE expired AS (
        SELECT id FROM "Document" WHERE "deletedAt" IS NOT NULL AND "deletedAt" <= ${cutoff}
        UNION
        SELECT d.id FROM "Document" d JOIN expired e ON d."parentId" = e.id
      )
      DELETE FROM "File" f USING expired e WHERE f."documentId" = e.id RETURNING f.id`;
    return rows.length;
  }
}

async function* batches<T>(source: AsyncIterable<T>, size: number): AsyncIterable<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
