// Sprints: planned → active → completed. One active sprint per project. Completing a sprint moves
// its unfinished tasks (status category not `done`) to the next planned sprint or the backlog.
import { Injectable } from '@nestjs/common';
import type { CreateSprintBody, SprintView, UpdateSprintBody } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { TX_OPTIONS } from '../../base/database/transaction.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { fieldChanges, recordActivity } from '../activity/activity-log.js';
import type { Actor } from '../auth/current-user.js';
import { type Action, PermissionPolicy } from '../permission/policy.js';

type SprintRow = {
  id: string;
  projectId: string;
  name: string;
  goal: string;
  state: SprintView['state'];
  startDate: Date | null;
  endDate: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
};

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;
const toDate = (s: string | null | undefined) => (s === undefined ? undefined : s === null ? null : new Date(`${s}T00:00:00Z`));

export const sprintView = (s: SprintRow): SprintView => ({
  id: s.id,
  projectId: s.projectId,
  name: s.name,
  goal: s.goal,
  state: s.state,
  startDate: day(s.startDate),
  endDate: day(s.endDate),
  startedAt: s.startedAt?.toISOString() ?? null,
  completedAt: s.completedAt?.toISOString() ?? null,
  createdAt: s.createdAt.toISOString(),
});

@Injectable()
export class SprintsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
  ) {}

  async list(actor: Actor, projectId: string): Promise<{ items: SprintView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { project: projectId }, 'project.read');
    const rows = await this.prisma.sprint.findMany({ where: { projectId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return { items: rows.map(sprintView), nextCursor: null };
  }

  async get(actor: Actor, sprintId: string): Promise<SprintView> {
    return sprintView((await this.authorize(actor, sprintId, 'project.read')).sprint);
  }

  async create(actor: Actor, projectId: string, body: CreateSprintBody): Promise<SprintView> {
    const access = await this.policy.authorize(actor.id, { project: projectId }, 'sprint.manage');
    assertDates(body.startDate, body.endDate);
    const sprint = await this.prisma.$transaction(async (tx) => {
      const s = await tx.sprint.create({
        data: { projectId, name: body.name, goal: body.goal ?? '', startDate: toDate(body.startDate), endDate: toDate(body.endDate) },
      });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId,
        actorId: actor.id,
        action: 'sprint.created',
        changes: { id: s.id, name: s.name },
      });
      return s;
    });
    return this.emit('sprint.created', access.workspaceId, actor.id, sprint);
  }

  async update(actor: Actor, sprintId: string, body: UpdateSprintBody): Promise<SprintView> {
    const { access, sprint } = await this.authorize(actor, sprintId, 'sprint.manage');
    if (sprint.state === 'completed') throw AppError.badRequest('A completed sprint cannot be changed');
    assertDates(
      body.startDate === undefined ? day(sprint.startDate) : body.startDate,
      body.endDate === undefined ? day(sprint.endDate) : body.endDate,
    );
    const updated = await this.prisma.$transaction(async (tx) => {
      const s = await tx.sprint.update({
        where: { id: sprintId },
        data: { name: body.name, goal: body.goal, startDate: toDate(body.startDate), endDate: toDate(body.endDate) },
      });
      const changes = fieldChanges(sprintView(sprint), sprintView(s));
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: s.projectId,
        actorId: actor.id,
        action: 'sprint.updated',
        changes: { id: s.id, ...changes },
      });
      return s;
    });
    return this.emit('sprint.updated', access.workspaceId, actor.id, updated);
  }

  async start(actor: Actor, sprintId: string): Promise<SprintView> {
    const { access, sprint } = await this.authorize(actor, sprintId, 'sprint.manage');
    if (sprint.state !== 'planned') throw AppError.badRequest(`The sprint is ${sprint.state}, not planned`);
    const started = await this.prisma.$transaction(async (tx) => {
      // Serializes concurrent starts in one project so only one sprint becomes active.
      await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${sprint.projectId}::uuid FOR UPDATE`;
      const active = await tx.sprint.findFirst({ where: { projectId: sprint.projectId, state: 'active' }, select: { name: true } });
      if (active) throw AppError.conflict(`Sprint "${active.name}" is already active in this project`);
      const s = await tx.sprint.update({
        where: { id: sprintId, state: 'planned' },
        data: { state: 'active', startedAt: new Date(), startDate: sprint.startDate ?? new Date() },
      });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: s.projectId,
        actorId: actor.id,
        action: 'sprint.started',
        changes: { id: s.id, state: { from: 'planned', to: 'active' } },
      });
      return s;
    }, TX_OPTIONS);
    return this.emit('sprint.updated', access.workspaceId, actor.id, started);
  }

  async complete(actor: Actor, sprintId: string, moveTo: string | undefined): Promise<SprintView & { movedTaskIds: string[] }> {
    const { access, sprint } = await this.authorize(actor, sprintId, 'sprint.manage');
    if (sprint.state !== 'active') throw AppError.badRequest(`The sprint is ${sprint.state}, not active`);
    let targetId: string | null = null;
    if (moveTo && moveTo !== 'backlog') {
      const target = await this.prisma.sprint.findUnique({ where: { id: moveTo } });
      if (!target || target.projectId !== sprint.projectId || target.state !== 'planned') {
        throw AppError.validation([{ field: 'moveTo', message: 'The target must be a planned sprint of this project' }]);
      }
      targetId = target.id;
    } else if (!moveTo) {
      const next = await this.prisma.sprint.findFirst({
        where: { projectId: sprint.projectId, state: 'planned' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      targetId = next?.id ?? null;
    }
    const { completed, moved } = await this.prisma.$transaction(async (tx) => {
      const unfinished = await tx.task.findMany({
        where: { sprintId, status: { category: { not: 'done' } } },
        select: { id: true },
      });
      const ids = unfinished.map((t) => t.id);
      await tx.task.updateMany({ where: { id: { in: ids } }, data: { sprintId: targetId, version: { increment: 1 } } });
      const s = await tx.sprint.update({ where: { id: sprintId, state: 'active' }, data: { state: 'completed', completedAt: new Date() } });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: s.projectId,
        actorId: actor.id,
        action: 'sprint.completed',
        changes: { id: s.id, state: { from: 'active', to: 'completed' }, movedTo: targetId ?? 'backlog', movedTasks: ids.length },
      });
      return { completed: s, moved: ids };
    }, TX_OPTIONS);
    const view = await this.emit('sprint.updated', access.workspaceId, actor.id, completed, { movedTo: targetId, movedTaskIds: moved });
    return { ...view, movedTaskIds: moved };
  }

  async remove(actor: Actor, sprintId: string): Promise<void> {
    const { access, sprint } = await this.authorize(actor, sprintId, 'sprint.manage');
    await this.prisma.$transaction(async (tx) => {
      await tx.sprint.delete({ where: { id: sprintId } });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId: sprint.projectId,
        actorId: actor.id,
        action: 'sprint.deleted',
        changes: { id: sprintId, name: sprint.name },
      });
    });
    await this.events.emit({
      type: 'sprint.deleted',
      workspaceId: access.workspaceId,
      projectId: sprint.projectId,
      actorId: actor.id,
      data: { id: sprintId },
    });
  }

  private async authorize(actor: Actor, sprintId: string, action: Action) {
    const sprint = await this.prisma.sprint.findUnique({ where: { id: sprintId } });
    if (!sprint) throw AppError.notFound('Sprint');
    return { access: await this.policy.authorize(actor.id, { project: sprint.projectId }, action, 'Sprint'), sprint };
  }

  private async emit(type: string, workspaceId: string, actorId: string, sprint: SprintRow, extra: Record<string, unknown> = {}) {
    const view = sprintView(sprint);
    await this.events.emit({ type, workspaceId, projectId: sprint.projectId, actorId, data: { ...view, ...extra } });
    return view;
  }
}

function assertDates(start: string | null | undefined, end: string | null | undefined) {
  if (start && end && end < start) throw AppError.validation([{ field: 'endDate', message: 'The end date is before the start date' }]);
}
