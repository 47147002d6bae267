// Checklist items of a task: add, rename, toggle, reorder, delete. Each change emits one
// `checklist.updated` carrying the item and the task's new done/total.
import { Injectable } from '@nestjs/common';
import type { ChecklistItemView } from '@tandem/protocol';
import { rankBetween } from '@tandem/protocol';
import { v7 as uuidv7 } from 'uuid';
import { PrismaClient } from '../../base/database/database.js';
import { oneStatement } from '../../base/database/idempotent-request.js';
import { TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordActivity, type Tx } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { type Access, type Action, PermissionPolicy } from '../permission/policy.js';

type ItemRow = { id: string; taskId: string; text: string; done: boolean; rank: string };
const view = (i: ItemRow): ChecklistItemView => ({ id: i.id, taskId: i.taskId, text: i.text, done: i.done, rank: i.rank });

@Injectable()
export class ChecklistsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
  ) {}

  async list(actor: Actor, taskId: string) {
    await this.policy.authorize(actor.id, { task: taskId }, 'task.read');
    const items = await this.prisma.checklistItem.findMany({ where: { taskId }, orderBy: [{ rank: 'asc' }, { id: 'asc' }] });
    return { items: items.map(view), ...count(items), nextCursor: null };
  }

  async add(actor: Actor, taskId: string, text: string): Promise<ChecklistItemView> {
    const access = await this.policy.authorize(actor.id, { task: taskId }, 'task.update');
    const item = await this.prisma.$transaction(async (tx) => {
      await lockTask(tx, taskId);
      const last = await tx.checklistItem.findFirst({ where: { taskId }, orderBy: { rank: 'desc' }, select: { rank: true } });
      const created = await tx.checklistItem.create({ data: { taskId, text, rank: rankBetween(last?.rank ?? null, null) } });
      await this.log(tx, access, actor, 'checklist.added', { itemId: created.id, text });
      return created;
    }, TX_OPTIONS);
    await this.emit(access, actor, item);
    return view(item);
  }

  /**
   * A rename or tick is one statement (after the one that authorizes and reads the item): the item,
   * its activity entry and the task's new done/total, which the event carries.
   */
  async update(actor: Actor, itemId: string, patch: { text?: string; done?: boolean }): Promise<ChecklistItemView> {
    const { access, row: item } = await this.policy.authorizeTaskRow<{ text: string; done: boolean }>(
      actor.id,
      itemId,
      'task.update',
      { name: 'checklist_item', columns: 'c.text, c.done', from: '"ChecklistItem" c JOIN "Task" t ON t.id = c."taskId"', where: 'c.id' },
      'Checklist item',
    );
    const changes: Record<string, unknown> = { itemId };
    if (patch.text !== undefined && patch.text !== item.text) changes.text = { from: item.text, to: patch.text };
    if (patch.done !== undefined && patch.done !== item.done) changes.done = { from: item.done, to: patch.done };
    const at = new Date().toISOString();
    const [updated] = await oneStatement(
      this.prisma,
      (db) => db.$queryRaw<(ItemRow & { doneCount: number; total: number })[]>`
        WITH item AS (
          UPDATE "ChecklistItem" SET text = COALESCE(${patch.text ?? null}, text), done = COALESCE(${patch.done ?? null}::boolean, done),
            "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
          WHERE id = ${itemId}::uuid RETURNING id, "taskId", text, done, rank
        ), activity AS (
          INSERT INTO "ActivityEvent" (id, "workspaceId", "projectId", "taskId", "actorId", action, changes, "createdAt")
          SELECT ${uuidv7()}::uuid, ${access.workspaceId}::uuid, ${access.projectId}::uuid, item."taskId", ${actor.id}::uuid,
            'checklist.updated', ${JSON.stringify(changes)}::jsonb, ${at}::timestamptz AT TIME ZONE 'UTC'
          FROM item
        )
        SELECT item.id::text, item."taskId"::text, item.text, item.done, item.rank,
          count(*) FILTER (WHERE CASE WHEN c.id = item.id THEN item.done ELSE c.done END)::int AS "doneCount", count(*)::int AS total
        FROM item JOIN "ChecklistItem" c ON c."taskId" = item."taskId"
        GROUP BY item.id, item."taskId", item.text, item.done, item.rank`,
    );
    // Deleted since it was read.
    if (!updated) throw AppError.notFound('Checklist item');
    const { doneCount, total, ...row } = updated;
    await this.events.emit({
      type: 'checklist.updated',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId: access.taskId,
      actorId: actor.id,
      data: { taskId: access.taskId, item: view(row), removedId: null, done: doneCount, total },
    });
    return view(row);
  }

  async move(actor: Actor, itemId: string, afterId?: string | null, beforeId?: string | null): Promise<ChecklistItemView> {
    const { access, item } = await this.find(actor, itemId, 'task.update');
    const moved = await this.prisma.$transaction(async (tx) => {
      await lockTask(tx, item.taskId);
      const neighbour = async (id: string, field: string) => {
        const n = await tx.checklistItem.findUnique({ where: { id } });
        if (!n || n.taskId !== item.taskId || n.id === itemId) {
          throw AppError.validation([{ field, message: 'Not another item of the same checklist' }]);
        }
        return n.rank;
      };
      const others = { taskId: item.taskId, id: { not: itemId } };
      let rank: string;
      if (afterId) {
        const lo = await neighbour(afterId, 'afterId');
        const next = await tx.checklistItem.findFirst({ where: { ...others, rank: { gt: lo } }, orderBy: { rank: 'asc' } });
        rank = rankBetween(lo, next?.rank ?? null);
      } else if (beforeId) {
        const hi = await neighbour(beforeId, 'beforeId');
        const prev = await tx.checklistItem.findFirst({ where: { ...others, rank: { lt: hi } }, orderBy: { rank: 'desc' } });
        rank = rankBetween(prev?.rank ?? null, hi);
      } else {
        const last = await tx.checklistItem.findFirst({ where: others, orderBy: { rank: 'desc' } });
        rank = rankBetween(last?.rank ?? null, null);
      }
      const u = await tx.checklistItem.update({ where: { id: itemId }, data: { rank } });
      await this.log(tx, access, actor, 'checklist.moved', { itemId });
      return u;
    }, TX_OPTIONS);
    await this.emit(access, actor, moved);
    return view(moved);
  }

  async remove(actor: Actor, itemId: string): Promise<void> {
    const { access, item } = await this.find(actor, itemId, 'task.update');
    await this.prisma.$transaction(async (tx) => {
      await tx.checklistItem.delete({ where: { id: itemId } });
      await this.log(tx, access, actor, 'checklist.removed', { itemId, text: item.text });
    });
    await this.emit(access, actor, null, itemId);
  }

  private async find(actor: Actor, itemId: string, action: Action) {
    const item = await this.prisma.checklistItem.findUnique({ where: { id: itemId } });
    if (!item) throw AppError.notFound('Checklist item');
    return { access: await this.policy.authorize(actor.id, { task: item.taskId }, action, 'Checklist item'), item };
  }

  private log(tx: Tx, access: Access, actor: Actor, action: string, changes: Record<string, unknown>) {
    return recordActivity(tx, {
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId: access.taskId,
      actorId: actor.id,
      action,
      changes,
    });
  }

  private async emit(access: Access, actor: Actor, item: ItemRow | null, removedId?: string): Promise<void> {
    const taskId = access.taskId!;
    const all = await this.prisma.checklistItem.findMany({ where: { taskId }, select: { done: true } });
    await this.events.emit({
      type: 'checklist.updated',
      workspaceId: access.workspaceId,
      projectId: access.projectId,
      taskId,
      actorId: actor.id,
      data: { taskId, item: item ? view(item) : null, removedId: removedId ?? null, ...count(all) },
    });
  }
}

function count(items: { done: boolean }[]) {
  return { done: items.filter((i) => i.done).length, total: items.length };
}

/** Serializes rank assignment within one checklist. */
async function lockTask(tx: Tx, taskId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`checklist:${taskId}`}, 0))`;
}
