// Streaming upload: the multipart file part flows through a tap that counts, hashes and keeps the
// first bytes (for type detection) on its way to a temporary object; nothing holds the whole file.
// Over the size limit or the workspace quota the stream fails at once (413) and the temporary
// object is removed. Only then, under a lock on the content address, the object moves to its
// SHA-256 key (identical bytes stored once) and the file record is written.
import { createHash } from 'node:crypto';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { FileView } from '@tandem/protocol';
import { THUMBNAIL_MIME } from '@tandem/protocol';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { isId } from '../../base/http/validation.js';
import { logger } from '../../base/logger/logger.js';
import { ObjectStorage } from '../../base/storage/object-storage.js';
import type { Actor } from '../auth/current-user.js';
import { type Access, PermissionPolicy } from '../permission/policy.js';
import { cleanFileName } from './file-names.js';
import { fileSelect, fileView } from './file-view.js';
import { ImagePipeline } from './image-pipeline.js';
import { imageHeader } from './image-probe.js';
import { blobKey, tmpKey } from './storage-keys.js';

const log = logger('files');
const HEAD_BYTES = 4100;
/** Waiting for a lock or a pooled connection under load, and moving a large object, may take a while. */
export const LOCKED_TX = { maxWait: 30_000, timeout: 120_000 };
/** Room for the multipart boundaries and the small fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

interface Target {
  taskId?: string;
  documentId?: string;
}

interface Streamed {
  key: string;
  size: number;
  sha256: string;
  head: Buffer;
}

@Injectable()
export class FileUploader {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly storage: ObjectStorage,
    private readonly events: DomainEvents,
    private readonly pipeline: ImagePipeline,
  ) {}

  async upload(actor: Actor, req: FastifyRequest, query: Target): Promise<FileView> {
    const ended = this.pipeline.uploadStarted();
    try {
      return await this.receive(actor, req, query);
    } finally {
      ended();
    }
  }

  private async receive(actor: Actor, req: FastifyRequest, query: Target): Promise<FileView> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.config.UPLOAD_LIMIT_BYTES + MULTIPART_OVERHEAD) {
      throw AppError.tooLarge(`Files may be at most ${this.config.UPLOAD_LIMIT_BYTES} bytes`);
    }
    if (!req.isMultipart()) throw AppError.unsupportedMedia('Send the file as multipart/form-data with a "file" part');
    const fields: Target = { ...query };
    let access: Access | null = null;
    let result: FileView | null = null;
    const cutOff = () => AppError.badRequest('The upload ended before the file was complete');
    let parts: AsyncIterator<import('@fastify/multipart').Multipart>;
    try {
      parts = req.parts()[Symbol.asyncIterator]();
    } catch {
      throw AppError.badRequest('The multipart body could not be read');
    }
    // Errors of the multipart parser are the client's (a cut-off or malformed body): 400. Anything
    // else (storage, database) is ours and is logged as such by the error filter.
    const nextPart = () =>
      parts.next().catch((err: Error) => {
        log.info({ err: err.message }, 'upload failed while reading the body');
        throw cutOff();
      });
    for (let step = await nextPart(); !step.done; step = await nextPart()) {
      const part = step.value;
      if (part.type === 'field') {
        if (part.fieldname === 'taskId' || part.fieldname === 'documentId') fields[part.fieldname] = String(part.value);
        continue;
      }
      // Until stream() takes over, a broken body must not become an unhandled stream error.
      part.file.on('error', () => undefined);
      if (part.fieldname !== 'file' || result) {
        part.file.resume();
        continue;
      }
      access = await this.authorize(actor, fields);
      const room = await this.roomLeft(access.workspaceId);
      const streamed = await this.stream(part.file, room);
      result = await this.commit(actor, access, fields, streamed, cleanFileName(part.filename));
    }
    if (!result) {
      if (!fields.taskId && !fields.documentId)
        throw AppError.validation([{ field: 'taskId', message: 'taskId or documentId is required' }]);
      throw AppError.validation([{ field: 'file', message: 'A "file" part is required' }]);
    }
    return result;
  }

  private async authorize(actor: Actor, t: Target): Promise<Access> {
    if (!!t.taskId === !!t.documentId) {
      throw AppError.validation([{ field: 'taskId', message: 'Give exactly one of taskId and documentId, before the file part' }]);
    }
    if (t.taskId) {
      if (!isId(t.taskId)) throw AppError.notFound('Task');
      return this.policy.authorize(actor.id, { task: t.taskId }, 'file.upload');
    }
    if (!isId(t.documentId)) throw AppError.notFound('Document');
    const access = await this.policy.authorize(actor.id, { document: t.documentId! }, 'file.upload');
    if (access.trashed) throw AppError.notFound('Document');
    return access;
  }

  /** How many bytes this upload may have: the per-file limit, or what is left of the quota. */
  private async roomLeft(workspaceId: string): Promise<{ limit: number; byQuota: boolean }> {
    const quota = this.config.WORKSPACE_QUOTA_BYTES;
    if (!quota) return { limit: this.config.UPLOAD_LIMIT_BYTES, byQuota: false };
    const used = await this.usedBytes(workspaceId);
    const left = Math.max(0, quota - used);
    return left < this.config.UPLOAD_LIMIT_BYTES
      ? { limit: left, byQuota: true }
      : { limit: this.config.UPLOAD_LIMIT_BYTES, byQuota: false };
  }

  async usedBytes(workspaceId: string, tx: Pick<PrismaClient, 'file'> = this.prisma): Promise<number> {
    const agg = await tx.file.aggregate({ where: { workspaceId, deletedAt: null }, _sum: { size: true } });
    return Number(agg._sum.size ?? 0);
  }

  private tooLarge(byQuota: boolean) {
    return byQuota
      ? AppError.tooLarge("This workspace's storage quota is used up: delete files or ask the server admin for more room")
      : AppError.tooLarge(`Files may be at most ${this.config.UPLOAD_LIMIT_BYTES} bytes`);
  }

  private async stream(file: Readable, room: { limit: number; byQuota: boolean }): Promise<Streamed> {
    const key = tmpKey();
    const hash = createHash('sha256');
    let size = 0;
    const headParts: Buffer[] = [];
    let headSize = 0;
    const tap = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        size += chunk.length;
        if (size > room.limit) return done(this.tooLarge(room.byQuota));
        hash.update(chunk);
        if (headSize < HEAD_BYTES) {
          headParts.push(chunk.subarray(0, HEAD_BYTES - headSize));
          headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
        }
        done(null, chunk);
      },
    });
    const body = new PassThrough();
    let failure: Error | null = null;
    const fail = (err: Error) => {
      failure ??= err;
      body.destroy(failure);
    };
    // busboy signals a cut-off body with an error on the file stream, and a per-file limit with
    // 'limit' (our own counter normally trips first).
    file.on('error', () => fail(AppError.badRequest('The upload ended before the file was complete')));
    file.on('limit', () => fail(this.tooLarge(room.byQuota)));
    tap.on('error', fail);
    // The store may attach to `body` a moment later (it prepares its target first): failures are
    // remembered in `failure` and rethrown, never left as an unhandled stream error.
    body.on('error', () => undefined);
    if (file.errored) fail(AppError.badRequest('The upload ended before the file was complete'));
    file.pipe(tap).pipe(body);
    try {
      await this.storage.put(key, body);
      if (failure) throw failure;
      if ((file as Readable & { truncated?: boolean }).truncated) throw this.tooLarge(room.byQuota);
    } catch (err) {
      // Read the rest of the body and throw it away, so the connection can carry the next request.
      // When the store failed (a full disk) the tap is still piped and, with no reader, would pause
      // the file again at once: the client would then wait for an answer that never comes.
      file.unpipe(tap);
      tap.destroy();
      file.resume();
      await this.storage.delete(key).catch(() => undefined);
      throw failure ?? err;
    }
    if (size === 0) {
      await this.storage.delete(key).catch(() => undefined);
      throw AppError.validation([{ field: 'file', message: 'The file is empty' }], 'The file is empty');
    }
    return { key, size, sha256: hash.digest('hex'), head: Buffer.concat(headParts) };
  }

  private async commit(actor: Actor, access: Access, t: Target, s: Streamed, name: string): Promise<FileView> {
    const mime = await detectMime(s.head);
    const image = THUMBNAIL_MIME.has(mime);
    const key = blobKey(s.sha256);
    const header = image ? await imageHeader(s.head) : null;
    let row: Awaited<ReturnType<typeof this.insert>>;
    try {
      row = await this.prisma.$transaction(async (tx) => {
        const quota = this.config.WORKSPACE_QUOTA_BYTES;
        if (quota) {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('tandem.quota'), hashtext(${access.workspaceId}))`;
          if ((await this.usedBytes(access.workspaceId, tx)) + s.size > quota) throw this.tooLarge(true);
        }
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('tandem.blob'), hashtext(${s.sha256}))`;
        await this.storage.move(s.key, key);
        return this.insert(tx, { actor, access, t, s, name, mime, key, image, header });
      }, LOCKED_TX);
    } catch (err) {
      await this.storage.delete(s.key).catch(() => undefined);
      throw err;
    }
    const duplicate = row.duplicateOfId
      ? await this.prisma.file.findUnique({ where: { id: row.duplicateOfId }, select: { id: true, name: true } })
      : null;
    const view = fileView(row, duplicate);
    await this.events.emit({
      type: 'file.created',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId: row.taskId,
      documentId: row.documentId,
      actorId: actor.id,
      data: view,
    });
    if (image) this.pipeline.enqueue(row.id);
    return view;
  }

  private async insert(
    tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0],
    a: {
      actor: Actor;
      access: Access;
      t: Target;
      s: Streamed;
      name: string;
      mime: string;
      key: string;
      image: boolean;
      header: { width: number; height: number } | null;
    },
  ) {
    // Identical bytes already in this workspace: the same picture, known at once.
    const same = a.image
      ? await tx.file.findFirst({
          where: { storageKey: a.key, workspaceId: a.access.workspaceId, deletedAt: null },
          orderBy: { createdAt: 'asc' },
          select: { id: true },
        })
      : null;
    return tx.file.create({
      data: {
        workspaceId: a.access.workspaceId,
        taskId: a.t.taskId ?? null,
        documentId: a.t.documentId ?? null,
        uploaderId: a.actor.id,
        name: a.name,
        mime: a.mime,
        size: BigInt(a.s.size),
        sha256: a.s.sha256,
        storageKey: a.key,
        thumbnail: a.image ? 'pending' : 'none',
        width: a.header?.width ?? null,
        height: a.header?.height ?? null,
        duplicateOfId: same?.id ?? null,
      },
      select: fileSelect,
    });
  }
}

/** The type from the bytes: a known signature, else plain text when it decodes as UTF-8, else binary. */
export async function detectMime(head: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(head).catch(() => undefined);
  if (detected) return detected.mime;
  if (head.includes(0)) return 'application/octet-stream';
  try {
    // A multi-byte character cut at the end of the sample is still text.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return 'text/plain';
  } catch {
    return 'application/octet-stream';
  }
}
