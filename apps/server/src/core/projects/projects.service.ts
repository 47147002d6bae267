// Projects: create (with default statuses), list, read, update/archive, delete.
import { Injectable } from '@nestjs/common';
import type { CreateProjectBody, ProjectView, UpdateProjectBody } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { fieldChanges, recordActivity } from '../activity/activity-log.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { DEFAULT_STATUSES, projectView } from './project-view.js';

const duplicateKey = (err: unknown) => {
  if ((err as { code?: string }).code === 'P2002') return AppError.conflict('A project with this key already exists in the workspace');
  return err;
};

@Injectable()
export class ProjectsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
  ) {}

  async create(actor: Actor, workspaceId: string, body: CreateProjectBody): Promise<ProjectView> {
    const access = await this.policy.authorize(actor.id, { workspace: workspaceId }, 'project.create');
    if (body.leadId) await this.assertMember(workspaceId, body.leadId);
    const project = await this.prisma
      .$transaction(async (tx) => {
        const p = await tx.project.create({
          data: {
            workspaceId,
            key: body.key,
            name: body.name,
            description: body.description ?? '',
            leadId: body.leadId ?? null,
            statuses: { create: DEFAULT_STATUSES.map((s) => ({ ...s })) },
          },
        });
        await recordActivity(tx, {
          workspaceId,
          projectId: p.id,
          actorId: actor.id,
          action: 'project.created',
          changes: { key: p.key, name: p.name },
        });
        return p;
      })
      .catch((err) => {
        throw duplicateKey(err);
      });
    const view = projectView(project, access.role);
    await this.events.emit({ type: 'project.created', workspaceId, projectId: project.id, actorId: actor.id, data: view });
    return view;
  }

  async list(actor: Actor, workspaceId: string, archived: boolean): Promise<{ items: ProjectView[]; nextCursor: null }> {
    const access = await this.policy.authorize(actor.id, { workspace: workspaceId }, 'project.read');
    const rows = await this.prisma.project.findMany({
      where: { workspaceId, archivedAt: archived ? { not: null } : null },
      include: { members: { where: { userId: actor.id }, select: { role: true } } },
      orderBy: { name: 'asc' },
    });
    return { items: rows.map((p) => projectView(p, p.members[0]?.role ?? access.role)), nextCursor: null };
  }

  async get(actor: Actor, id: string): Promise<ProjectView> {
    const access = await this.policy.authorize(actor.id, { project: id }, 'project.read');
    return projectView(await this.prisma.project.findUniqueOrThrow({ where: { id } }), access.role);
  }

  async update(actor: Actor, id: string, body: UpdateProjectBody): Promise<ProjectView> {
    const access = await this.policy.authorize(actor.id, { project: id }, 'project.update');
    if (body.leadId) await this.assertMember(access.workspaceId, body.leadId);
    const current = await this.prisma.project.findUniqueOrThrow({ where: { id } });
    const { archived, ...fields } = body;
    const project = await this.prisma
      .$transaction(async (tx) => {
        const p = await tx.project.update({
          where: { id },
          data: { ...fields, archivedAt: archived === undefined ? undefined : archived ? (current.archivedAt ?? new Date()) : null },
        });
        const changes = fieldChanges(
          {
            name: current.name,
            key: current.key,
            description: current.description,
            leadId: current.leadId,
            archived: current.archivedAt !== null,
          },
          { name: p.name, key: p.key, description: p.description, leadId: p.leadId, archived: p.archivedAt !== null },
        );
        await recordActivity(tx, { workspaceId: access.workspaceId, projectId: id, actorId: actor.id, action: 'project.updated', changes });
        return p;
      })
      .catch((err) => {
        throw duplicateKey(err);
      });
    const view = projectView(project, access.role);
    await this.events.emit({ type: 'project.updated', workspaceId: access.workspaceId, projectId: id, actorId: actor.id, data: view });
    return view;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const access = await this.policy.authorize(actor.id, { project: id }, 'project.delete');
    await this.prisma.$transaction(async (tx) => {
      const p = await tx.project.delete({ where: { id } });
      await recordAudit(tx, {
        workspaceId: access.workspaceId,
        actorId: actor.id,
        action: 'project.deleted',
        target: { type: 'project', id },
        details: { key: p.key, name: p.name },
      });
    });
    await this.events.emit({ type: 'project.deleted', workspaceId: access.workspaceId, projectId: id, actorId: actor.id, data: { id } });
  }

  private async assertMember(workspaceId: string, userId: string) {
    const m = await this.prisma.workspaceMember.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } });
    if (!m) throw AppError.validation([{ field: 'leadId', message: 'The lead must be a workspace member' }]);
  }
}
