// Per-project role overrides of workspace members. Every change is announced as
// `access.changed` so open sockets of that user are re-checked on every node.
import { Injectable } from '@nestjs/common';
import type { ProjectMemberView, Role } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordActivity } from '../activity/activity-log.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Actor } from '../auth/current-user.js';
import { SessionRegistry } from '../auth/sessions.js';
import { Notifier } from '../notifications/notifier.js';
import { PermissionPolicy } from '../permission/policy.js';

@Injectable()
export class ProjectMembersService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly sessions: SessionRegistry,
    private readonly notifier: Notifier,
  ) {}

  async list(actor: Actor, projectId: string): Promise<{ items: ProjectMemberView[]; nextCursor: null }> {
    const access = await this.policy.authorize(actor.id, { project: projectId }, 'project.read');
    const members = await this.prisma.workspaceMember.findMany({
      where: { workspaceId: access.workspaceId },
      include: { user: { select: { email: true, displayName: true, projectRoles: { where: { projectId }, select: { role: true } } } } },
      orderBy: { createdAt: 'asc' },
    });
    return {
      items: members.map((m) => {
        // A workspace owner's override (left from before owners were exempt) changes nothing.
        const override = m.role === 'owner' ? undefined : m.user.projectRoles[0]?.role;
        return {
          userId: m.userId,
          email: m.user.email,
          displayName: m.user.displayName,
          role: override ?? m.role,
          workspaceRole: m.role,
          override: override !== undefined,
        };
      }),
      nextCursor: null,
    };
  }

  async set(actor: Actor, projectId: string, userId: string, role: Role): Promise<ProjectMemberView> {
    const access = await this.policy.authorize(actor.id, { project: projectId }, 'project.members.manage');
    if (userId === actor.id) throw AppError.badRequest('You cannot change your own project role');
    const member = await this.prisma.workspaceMember.findUnique({
      where: { workspaceId_userId: { workspaceId: access.workspaceId, userId } },
      include: { user: true },
    });
    if (!member) throw AppError.validation([{ field: 'userId', message: 'Only workspace members can have a project role' }]);
    if (member.role === 'owner' && role !== 'owner') throw AppError.forbidden('Workspace owners keep owner rights in every project');
    const previous = await this.prisma.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } } });
    await this.prisma.$transaction(async (tx) => {
      await tx.projectMember.upsert({
        where: { projectId_userId: { projectId, userId } },
        create: { projectId, userId, role },
        update: { role },
      });
      await recordActivity(tx, {
        workspaceId: access.workspaceId,
        projectId,
        actorId: actor.id,
        action: 'member.changed',
        changes: { userId, role: { from: previous?.role ?? member.role, to: role } },
      });
      const project = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { key: true, name: true } });
      await recordAudit(tx, {
        workspaceId: access.workspaceId,
        actorId: actor.id,
        action: 'project.override_set',
        target: { type: 'user', id: userId },
        details: {
          email: member.user.email,
          displayName: member.user.displayName,
          projectId,
          projectKey: project.key,
          projectName: project.name,
          from: previous?.role ?? null,
          to: role,
        },
      });
    });
    const view: ProjectMemberView = {
      userId,
      email: member.user.email,
      displayName: member.user.displayName,
      role,
      workspaceRole: member.role,
      override: true,
    };
    await this.events.emit({
      type: 'member.changed',
      workspaceId: access.workspaceId,
      projectId,
      actorId: actor.id,
      userIds: [userId],
      data: { change: 'project_role', projectId, member: view },
    });
    await this.sessions.announce({ kind: 'access.changed', userId, workspaceId: access.workspaceId });
    if (!previous) {
      const project = await this.prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { key: true, name: true } });
      await this.notifier.notify([userId], {
        type: 'added_to_project',
        workspaceId: access.workspaceId,
        actorId: actor.id,
        data: { projectId, projectKey: project.key, projectName: project.name, role },
      });
    }
    return view;
  }

  async clear(actor: Actor, projectId: string, userId: string): Promise<void> {
    const access = await this.policy.authorize(actor.id, { project: projectId }, 'project.members.manage');
    await this.prisma.$transaction(async (tx) => {
      const override = await tx.projectMember.findUnique({
        where: { projectId_userId: { projectId, userId } },
        include: { user: { select: { email: true, displayName: true } }, project: { select: { key: true, name: true } } },
      });
      const { count } = await tx.projectMember.deleteMany({ where: { projectId, userId } });
      if (!override || count === 0) throw AppError.notFound('Project role override');
      await recordAudit(tx, {
        workspaceId: access.workspaceId,
        actorId: actor.id,
        action: 'project.override_cleared',
        target: { type: 'user', id: userId },
        details: {
          email: override.user.email,
          displayName: override.user.displayName,
          projectId,
          projectKey: override.project.key,
          projectName: override.project.name,
          from: override.role,
        },
      });
    });
    await this.events.emit({
      type: 'member.changed',
      workspaceId: access.workspaceId,
      projectId,
      actorId: actor.id,
      userIds: [userId],
      data: { change: 'project_role_removed', projectId, userId },
    });
    await this.sessions.announce({ kind: 'access.changed', userId, workspaceId: access.workspaceId });
  }
}
