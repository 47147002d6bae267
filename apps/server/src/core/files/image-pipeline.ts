// The image ingest pipeline, off the request path: an upload answers once its bytes are stored,
// and its image is queued here. A bounded number run at once per node. Each makes a thumbnail
// (EXIF orientation applied, all metadata — GPS included — left out of the derived image),
// records the size, the EXIF capture date and a 64-bit difference hash (dHash), and looks for an
// earlier image of the workspace that looks the same. Images declaring more pixels than
// IMAGE_MAX_PIXELS keep their file but get no thumbnail. The result reaches the rooms live.
// Thumbnails share the node's core with requests: while uploads are being received the queue
// waits (at most MAX_DEFER_MS for its oldest image), so a burst of uploads is answered first.
import { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import exifr from 'exifr';
import sharp, { type Sharp } from 'sharp';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { logger } from '../../base/logger/logger.js';
import { ObjectStorage } from '../../base/storage/object-storage.js';
import { fileSelect, fileView } from './file-view.js';
import { imageHeader } from './image-probe.js';
import { thumbKey } from './storage-keys.js';

const log = logger('image-pipeline');
const THUMB_SIZE = 480;
/** Hamming distance (of 64 bits) under which two images count as the same picture. */
export const NEAR_DUPLICATE_BITS = 6;
/** The longest an image waits for uploads in flight to end before its thumbnail is made anyway. */
const MAX_DEFER_MS = 2_000;

interface Processed {
  thumbnail: 'ready' | 'refused' | 'failed';
  thumbnailKey: string | null;
  width: number | null;
  height: number | null;
  takenAt: Date | null;
  phash: string | null;
}

@Injectable()
export class ImagePipeline implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly queue: { id: string; at: number }[] = [];
  private running = 0;
  private uploading = 0;
  private deferred: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly prisma: PrismaClient,
    private readonly storage: ObjectStorage,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Images still waiting for their thumbnail when a node stopped (or was killed) are picked up by
   * the next node to start; two nodes doing the same one is harmless (same bytes, same result).
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const waiting = await this.prisma.file.findMany({
        where: { thumbnail: 'pending', deletedAt: null },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: 10_000,
      });
      for (const f of waiting) this.enqueue(f.id);
      if (waiting.length) log.info({ images: waiting.length }, 'making the thumbnails a stopped node left');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not look for images left without a thumbnail');
    }
  }

  enqueue(fileId: string): void {
    if (this.stopped) return;
    this.queue.push({ id: fileId, at: Date.now() });
    this.pump();
  }

  /** An upload is being received; call the returned function (once) when it has ended, either way. */
  uploadStarted(): () => void {
    this.uploading++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.uploading--;
      if (this.uploading === 0) this.pump();
    };
  }

  /** Images waiting and being worked on (tests). */
  pending(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.running };
  }

  /** Resolves when nothing is queued or running (tests and benchmarks). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.deferred) clearTimeout(this.deferred);
  }

  private pump(): void {
    if (this.deferred) {
      clearTimeout(this.deferred);
      this.deferred = null;
    }
    const oldest = this.queue[0];
    if (oldest && this.uploading > 0) {
      const wait = oldest.at + MAX_DEFER_MS - Date.now();
      if (wait > 0) {
        this.deferred = setTimeout(() => this.pump(), wait);
        this.deferred.unref();
        return;
      }
    }
    while (this.running < this.config.IMAGE_PIPELINE_CONCURRENCY && this.queue.length > 0) {
      const { id } = this.queue.shift()!;
      this.running++;
      void this.process(id)
        .catch((err) => log.error({ err, fileId: id }, 'image processing failed'))
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  private async process(id: string): Promise<void> {
    const file = await this.prisma.file.findUnique({ where: { id }, select: fileSelect });
    if (!file || this.stopped) return;
    const result = await this.derive(file.sha256, file.storageKey);
    if (this.stopped) return;
    const duplicate = file.duplicateOfId ? null : result.phash ? await this.lookalike(file.workspaceId, file.id, result.phash) : null;
    const updated = await this.prisma.file
      .update({
        where: { id },
        data: { ...result, ...(duplicate ? { duplicateOfId: duplicate.id } : {}) },
        select: fileSelect,
      })
      .catch(() => null); // deleted meanwhile: the cleanup job removes an unused thumbnail
    if (!updated) return;
    const dupId = updated.duplicateOfId;
    const dup = dupId ? await this.prisma.file.findUnique({ where: { id: dupId }, select: { id: true, name: true } }) : null;
    const projectId = updated.taskId
      ? (await this.prisma.task.findUnique({ where: { id: updated.taskId }, select: { projectId: true } }))?.projectId
      : (await this.prisma.document.findUnique({ where: { id: updated.documentId! }, select: { projectId: true } }))?.projectId;
    await this.events.emit({
      type: 'file.updated',
      workspaceId: updated.workspaceId,
      projectId: projectId ?? null,
      taskId: updated.taskId,
      documentId: updated.documentId,
      actorId: null,
      data: fileView(updated, dup),
    });
  }

  /** Thumbnail, size, capture date and hash of the bytes at `key` (reused when the same bytes were done before). */
  private async derive(sha256: string, key: string): Promise<Processed> {
    const done = await this.prisma.file.findFirst({
      where: { storageKey: key, thumbnail: { in: ['ready', 'refused'] } },
      select: { thumbnail: true, thumbnailKey: true, width: true, height: true, takenAt: true, phash: true },
    });
    if (done && (done.thumbnail === 'refused' || (done.thumbnailKey && (await this.storage.stat(done.thumbnailKey))))) {
      return { ...done, thumbnail: done.thumbnail as 'ready' | 'refused' };
    }
    const bytes = await readAll(await this.storage.get(key));
    const header = await imageHeader(bytes);
    if (!header) return { thumbnail: 'failed', thumbnailKey: null, width: null, height: null, takenAt: null, phash: null };
    const base = { width: header.width, height: header.height, takenAt: await captureDate(bytes) };
    if (header.pixels > this.config.IMAGE_MAX_PIXELS) {
      log.warn({ sha256, pixels: header.pixels }, 'image declares too many pixels: no thumbnail');
      return { ...base, thumbnail: 'refused', thumbnailKey: null, phash: null };
    }
    let thumb: Buffer;
    let phash: string;
    try {
      const source = () => sharp(bytes, { limitInputPixels: this.config.IMAGE_MAX_PIXELS, failOn: 'error' }).rotate();
      thumb = await source()
        .resize({ width: THUMB_SIZE, height: THUMB_SIZE, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
      phash = await dHash(source());
    } catch (err) {
      log.info({ sha256, err: (err as Error).message }, 'image could not be decoded: no thumbnail');
      return { ...base, thumbnail: 'failed', thumbnailKey: null, phash: null };
    }
    // A store that cannot take it now (a full disk) leaves the image pending, for the next start.
    const tk = thumbKey(sha256);
    await this.storage.put(tk, Readable.from([thumb]), thumb.length);
    return { ...base, thumbnail: 'ready', thumbnailKey: tk, phash };
  }

  /** The earliest other image of the workspace within NEAR_DUPLICATE_BITS of `phash`. */
  private async lookalike(workspaceId: string, selfId: string, phash: string) {
    const rows = await this.prisma.$queryRaw<{ id: string; name: string }[]>`
      SELECT id, name FROM "File"
      WHERE "workspaceId" = ${workspaceId}::uuid AND id <> ${selfId}::uuid AND "deletedAt" IS NULL AND phash IS NOT NULL
        AND bit_count(('x' || phash)::bit(64) # ('x' || ${phash})::bit(64)) <= ${NEAR_DUPLICATE_BITS}
      ORDER BY "createdAt" ASC LIMIT 1`;
    return rows[0] ?? null;
  }
}

/** dHash: 9×8 greyscale, one bit per horizontal neighbour pair (is the left brighter?). 16 hex digits. */
export async function dHash(image: Sharp): Promise<string> {
  const px = await image.greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      bits = (bits << 1n) | (px[y * 9 + x]! > px[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}

async function captureDate(bytes: Buffer): Promise<Date | null> {
  try {
    const tags = (await exifr.parse(bytes, { pick: ['DateTimeOriginal', 'CreateDate'] })) as
      | { DateTimeOriginal?: Date; CreateDate?: Date }
      | undefined;
    const d = tags?.DateTimeOriginal ?? tags?.CreateDate;
    return d instanceof Date && !Number.isNaN(d.getTime()) ? d : null;
  } catch {
    return null;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
