// Reading, listing and deleting files. Every read asks the permission policy about the file's task
// or document; someone who may not see it is told it does not exist. Deleting a record removes
// its bytes (and thumbnail) once no other record uses the same content.
import { Inject, Injectable } from '@nestjs/common';
import type { FileView, TaskCoverView, WorkspaceStorageView } from '@tandem/protocol';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { ObjectStorage } from '../../base/storage/object-storage.js';
import type { Actor } from '../auth/current-user.js';
import { type Access, allows, PermissionPolicy } from '../permission/policy.js';
import { type FileRow, fileSelect, fileView } from './file-view.js';

@Injectable()
export class FilesService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly storage: ObjectStorage,
    private readonly events: DomainEvents,
  ) {}

  /** The file and the caller's access to what it is attached to; 404 when either is out of reach. */
  async find(actor: Actor, id: string): Promise<{ file: FileRow; access: Access }> {
    const file = await this.prisma.file.findUnique({ where: { id }, select: fileSelect });
    const ref = file?.taskId ? { task: file.taskId } : file?.documentId ? { document: file.documentId } : null;
    const access = file && ref && !file.deletedAt ? await this.policy.access(actor.id, ref) : null;
    if (!file || !access || !allows(access.role, 'file.read')) throw AppError.notFound('File');
    return { file, access };
  }

  async view(actor: Actor, id: string): Promise<FileView> {
    const { file } = await this.find(actor, id);
    return (await this.views([file]))[0]!;
  }

  async listForTask(actor: Actor, taskId: string): Promise<{ items: FileView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { task: taskId }, 'file.read', 'Task');
    return this.list({ taskId });
  }

  async listForDocument(actor: Actor, documentId: string): Promise<{ items: FileView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { document: documentId }, 'file.read', 'Document');
    return this.list({ documentId });
  }

  private async list(where: { taskId: string } | { documentId: string }) {
    const rows = await this.prisma.file.findMany({
      where: { ...where, deletedAt: null },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 500,
      select: fileSelect,
    });
    return { items: await this.views(rows), nextCursor: null };
  }

  private async views(rows: FileRow[]): Promise<FileView[]> {
    const dupIds = [...new Set(rows.map((r) => r.duplicateOfId).filter((x): x is string => !!x))];
    const dups = dupIds.length
      ? await this.prisma.file.findMany({ where: { id: { in: dupIds }, deletedAt: null }, select: { id: true, name: true } })
      : [];
    const byId = new Map(dups.map((d) => [d.id, d]));
    return rows.map((r) => fileView(r, (r.duplicateOfId && byId.get(r.duplicateOfId)) || null));
  }

  /** Each task of the project that has an image with a thumbnail: its first such image. */
  async covers(actor: Actor, projectId: string): Promise<{ items: TaskCoverView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { project: projectId }, 'project.read', 'Project');
    const rows = await this.prisma.$queryRaw<TaskCoverView[]>`
      SELECT DISTINCT ON (f."taskId") f."taskId" AS "taskId", f.id AS "fileId"
      FROM "File" f JOIN "Task" t ON t.id = f."taskId"
      WHERE t."projectId" = ${projectId}::uuid AND f.thumbnail = 'ready' AND f."deletedAt" IS NULL
      ORDER BY f."taskId", f."createdAt" ASC, f.id ASC`;
    return { items: rows, nextCursor: null };
  }

  async usage(actor: Actor, workspaceId: string): Promise<WorkspaceStorageView> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.read', 'Workspace');
    const agg = await this.prisma.file.aggregate({ where: { workspaceId, deletedAt: null }, _sum: { size: true }, _count: true });
    return {
      bytesUsed: Number(agg._sum.size ?? 0),
      quotaBytes: this.config.WORKSPACE_QUOTA_BYTES || null,
      files: agg._count,
    };
  }

  /** The uploader (while still an editor) or any editor of the task/document may delete. */
  async remove(actor: Actor, id: string): Promise<void> {
    const { file, access } = await this.find(actor, id);
    if (!allows(access.role, 'file.upload')) throw AppError.forbidden('Only editors can delete files');
    await this.prisma.file.delete({ where: { id } });
    await this.releaseBytes(file.sha256, file.storageKey, file.thumbnailKey);
    await this.events.emit({
      type: 'file.deleted',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId: file.taskId,
      documentId: file.documentId,
      actorId: actor.id,
      data: { id, taskId: file.taskId, documentId: file.documentId },
    });
  }

  /**
   * Removes the bytes at `key` (and the thumbnail) when no file record uses them any more. Holds the
   * content address's lock, which an upload of the same bytes also takes while it moves them into
   * place and writes its record, so bytes are never removed under a new record.
   */
  async releaseBytes(sha256: string, key: string, thumbnailKey: string | null): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('tandem.blob'), hashtext(${sha256}))`;
      if ((await tx.file.count({ where: { storageKey: key } })) > 0) return false;
      await this.storage.delete(key);
      if (thumbnailKey) await this.storage.delete(thumbnailKey);
      return true;
    });
  }
}
