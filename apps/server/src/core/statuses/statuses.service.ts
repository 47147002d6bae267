// A project's statuses: the board columns. Removing a status that still holds tasks needs a target
// status of the same project; its tasks move there (appended in their old order) in the same transaction.
import { Injectable } from '@nestjs/common';
import type { CreateStatusBody, StatusView, UpdateStatusBody } from '@tandem/protocol';
import { rankBetween } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { retriedWhile, TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { fieldChanges, recordActivity, type Tx } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { type Action, PermissionPolicy } from '../permission/policy.js';
import { isRankClash, lockColumns } from '../tasks/board-column.js';

const view = (s: { id: string; projectId: string; name: string; category: StatusView['category']; position: number }): StatusView => ({
  id: s.id,
  projectId: s.projectId,
  name: s.name,
  category: s.category,
  position: s.position,
});

const duplicateName = (err: unknown) =>
  (err as { code?: string }).code === 'P2002' ? AppError.conflict('A status with this name already exists in the project') : err;

@Injectable()
export class StatusesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
  ) {}

  async list(actor: Actor, projectId: string): Promise<{ items: StatusView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { project: projectId }, 'project.read');
    const rows = await this.prisma.status.findMany({ where: { projectId }, orderBy: { position: 'asc' } });
    return { items: rows.map(view), nextCursor: null };
  }

  async create(actor: Actor, projectId: string, body: CreateStatusBody): Promise<StatusView> {
    const access = await this.policy.authorize(actor.id, { project: projectId }, 'status.manage');
    const status = await this.prisma
      .$transaction(async (tx) => {
        const count = await tx.status.count({ where: { projectId } });
        const s = await tx.status.create({ data: { projectId, name: body.name, category: body.category, position: count } });
        await recordActivity(tx, {
          workspaceId: access.workspaceId,
          projectId,
          actorId: actor.id,
          action: 'status.created',
          changes: view(s),
        });
        return s;
      })
      .catch((err) => {
        throw duplicateName(err);
      });
    await this.emit('status.created', access.workspaceId, actor.id, view(status));
    return view(status);
  }

  async update(actor: Actor, statusId: string, body: UpdateStatusBody): Promise<StatusView> {
    const { access, status } = await this.authorize(actor, statusId, 'status.manage');
    const updated = await this.prisma
      .$transaction(async (tx) => {
        await tx.status.update({ where: { id: statusId }, data: { name: body.name, category: body.category } });
        if (body.position !== undefined) await this.reorder(tx, status.projectId, statusId, body.position);
        const after = await tx.status.findUniqueOrThrow({ where: { id: statusId } });
        await recordActivity(tx, {
          workspaceId: access.workspaceId,
          projectId: status.projectId,
          actorId: actor.id,
          action: 'status.updated',
          changes: { id: statusId, ...fieldChanges(view(status), view(after)) },
        });
        return after;
      })
      .catch((err) => {
        throw duplicateName(err);
      });
    await this.emit('status.updated', access.workspaceId, actor.id, view(updated));
    return view(updated);
  }

  async remove(actor: Actor, statusId: string, targetId: string | undefined): Promise<void> {
    const { access, status } = await this.authorize(actor, statusId, 'status.manage');
    const projectId = status.projectId;
    if (targetId === statusId) throw AppError.validation([{ field: 'target', message: 'The target must be another status' }]);
    if (targetId) {
      const target = await this.prisma.status.findUnique({ where: { id: targetId } });
      if (!target || target.projectId !== projectId) {
        throw AppError.validation([{ field: 'target', message: 'The target status is not one of this project' }]);
      }
    }
    if ((await this.prisma.status.count({ where: { projectId } })) === 1) throw AppError.badRequest('A project needs at least one status');
    // Again if a concurrent move took a rank in the target column first (board-column.ts).
    const moved = await retriedWhile(isRankClash, () =>
      this.prisma.$transaction(async (tx) => {
        await lockColumns(tx, targetId ? [statusId, targetId] : [statusId]);
        // The column's row too: a move into it that already checked it commits first (and is read
        // below); a later one finds the column gone and answers that it is not a status.
        await tx.$executeRaw`SELECT 1 FROM "Status" WHERE id = ${statusId}::uuid FOR UPDATE`;
        const tasks = await tx.task.findMany({ where: { statusId }, orderBy: { rank: 'asc' }, select: { id: true } });
        if (tasks.length > 0 && !targetId) {
          throw AppError.validation(
            [{ field: 'target', message: 'The status still has tasks: name a target status for them' }],
            'The status still has tasks: name a target status for them',
          );
        }
        if (tasks.length > 0 && targetId)
          await this.appendAll(
            tx,
            targetId,
            tasks.map((t) => t.id),
          );
        await tx.status.delete({ where: { id: statusId } });
        const rest = await tx.status.findMany({ where: { projectId }, orderBy: { position: 'asc' }, select: { id: true } });
        for (const [i, s] of rest.entries()) await tx.status.update({ where: { id: s.id }, data: { position: i } });
        await recordActivity(tx, {
          workspaceId: access.workspaceId,
          projectId,
          actorId: actor.id,
          action: 'status.deleted',
          changes: { id: statusId, name: status.name, movedTo: targetId ?? null, movedTasks: tasks.length },
        });
        return tasks.map((t) => t.id);
      }, TX_OPTIONS),
    );
    await this.events.emit({
      type: 'status.deleted',
      workspaceId: access.workspaceId,
      projectId,
      actorId: actor.id,
      data: { id: statusId, movedTo: targetId ?? null, taskIds: moved },
    });
  }

  /** Appends tasks, in the given order, to the end of a column (column lock held). */
  private async appendAll(tx: Tx, statusId: string, taskIds: string[]) {
    const last = await tx.task.findFirst({ where: { statusId }, orderBy: { rank: 'desc' }, select: { rank: true } });
    const ranks: string[] = [];
    let prev = last?.rank ?? null;
    for (let i = 0; i < taskIds.length; i++) ranks.push((prev = rankBetween(prev, null)));
    await tx.$executeRaw`
      UPDATE "Task" t SET "statusId" = ${statusId}::uuid, rank = v.rank, version = t.version + 1, "updatedAt" = now()
      FROM (SELECT unnest(${taskIds}::uuid[]) AS id, unnest(${ranks}::text[]) AS rank) v WHERE t.id = v.id`;
  }

  private async reorder(tx: Tx, projectId: string, statusId: string, position: number) {
    const ids = (await tx.status.findMany({ where: { projectId }, orderBy: { position: 'asc' }, select: { id: true } })).map((s) => s.id);
    const order = ids.filter((id) => id !== statusId);
    order.splice(Math.min(position, order.length), 0, statusId);
    for (const [i, id] of order.entries()) await tx.status.update({ where: { id }, data: { position: i } });
  }

  private async authorize(actor: Actor, statusId: string, action: Action) {
    const status = await this.prisma.status.findUnique({ where: { id: statusId } });
    if (!status) throw AppError.notFound('Status');
    return { access: await this.policy.authorize(actor.id, { project: status.projectId }, action, 'Status'), status };
  }

  private async emit(type: string, workspaceId: string, actorId: string, data: StatusView) {
    await this.events.emit({ type, workspaceId, projectId: data.projectId, actorId, data });
  }
}
