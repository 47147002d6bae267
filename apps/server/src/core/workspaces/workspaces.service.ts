import { Injectable } from '@nestjs/common';
import type { MemberView, Role, WorkspaceView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Actor } from '../auth/current-user.js';
import { SessionRegistry } from '../auth/sessions.js';
import { PermissionPolicy, rules } from '../permission/policy.js';

const wsView = (w: { id: string; name: string; createdAt: Date }, role: Role): WorkspaceView => ({
  id: w.id,
  name: w.name,
  role,
  createdAt: w.createdAt.toISOString(),
});

@Injectable()
export class WorkspacesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly sessions: SessionRegistry,
  ) {}

  async create(actor: Actor, name: string): Promise<WorkspaceView> {
    const w = await this.prisma.workspace.create({
      data: { name, members: { create: { userId: actor.id, role: 'owner' } } },
    });
    return wsView(w, 'owner');
  }

  async list(actor: Actor): Promise<{ items: WorkspaceView[]; nextCursor: null }> {
    const rows = await this.prisma.workspaceMember.findMany({
      where: { userId: actor.id, workspace: { deletedAt: null } },
      include: { workspace: true },
      orderBy: { workspace: { createdAt: 'asc' } },
    });
    return { items: rows.map((m) => wsView(m.workspace, m.role)), nextCursor: null };
  }

  async get(actor: Actor, id: string): Promise<WorkspaceView> {
    const access = await this.policy.authorize(actor.id, { workspace: id }, 'workspace.read');
    const w = await this.prisma.workspace.findUniqueOrThrow({ where: { id } });
    return wsView(w, access.role);
  }

  async rename(actor: Actor, id: string, name: string): Promise<WorkspaceView> {
    const access = await this.policy.authorize(actor.id, { workspace: id }, 'workspace.update');
    const w = await this.prisma.workspace.update({ where: { id }, data: { name } });
    await this.events.emit({ type: 'workspace.updated', workspaceId: id, actorId: actor.id, data: { id, name } });
    return wsView(w, access.role);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.policy.authorize(actor.id, { workspace: id }, 'workspace.delete');
    await this.prisma.$transaction(async (tx) => {
      const w = await tx.workspace.update({ where: { id }, data: { deletedAt: new Date() } });
      await recordAudit(tx, {
        workspaceId: id,
        actorId: actor.id,
        action: 'workspace.deleted',
        target: { type: 'workspace', id },
        details: { name: w.name },
      });
    });
    await this.events.emit({ type: 'workspace.deleted', workspaceId: id, actorId: actor.id, data: { id } });
  }

  async members(actor: Actor, id: string): Promise<{ items: MemberView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { workspace: id }, 'workspace.read');
    const rows = await this.prisma.workspaceMember.findMany({
      where: { workspaceId: id },
      include: { user: true },
      orderBy: { createdAt: 'asc' },
    });
    return { items: rows.map(memberView), nextCursor: null };
  }

  /** Refuses to leave a workspace without an owner. */
  private async assertNotLastOwner(workspaceId: string, userId: string) {
    const owners = await this.prisma.workspaceMember.findMany({ where: { workspaceId, role: 'owner' }, select: { userId: true } });
    const ownerIds = owners.map((o) => o.userId);
    if (!rules.keepsAnOwner(ownerIds, userId, null)) throw AppError.conflict('A workspace needs at least one owner');
  }

  async updateMember(actor: Actor, id: string, userId: string, role: Role): Promise<MemberView> {
    await this.policy.authorize(actor.id, { workspace: id }, 'workspace.members.manage');
    const current = await this.prisma.workspaceMember.findUnique({ where: { workspaceId_userId: { workspaceId: id, userId } } });
    if (!current) throw AppError.notFound('Member');
    if (current.role === 'owner' && role !== 'owner') await this.assertNotLastOwner(id, userId);
    const row = await this.prisma.$transaction(async (tx) => {
      const updated = await tx.workspaceMember.update({
        where: { workspaceId_userId: { workspaceId: id, userId } },
        data: { role },
        include: { user: true },
      });
      if (current.role !== role) {
        await recordAudit(tx, {
          workspaceId: id,
          actorId: actor.id,
          action: 'member.role_changed',
          target: { type: 'user', id: userId },
          details: { email: updated.user.email, displayName: updated.user.displayName, from: current.role, to: role },
        });
      }
      return updated;
    });
    const view = memberView(row);
    await this.events.emit({
      type: 'member.changed',
      workspaceId: id,
      actorId: actor.id,
      userIds: [userId],
      data: { change: 'role', member: view },
    });
    await this.sessions.announce({ kind: 'access.changed', userId, workspaceId: id });
    return view;
  }

  /** Owners remove anyone; any member may remove themselves (leave). */
  async removeMember(actor: Actor, id: string, userId: string): Promise<void> {
    await this.policy.authorize(actor.id, { workspace: id }, actor.id === userId ? 'workspace.read' : 'workspace.members.manage');
    const current = await this.prisma.workspaceMember.findUnique({ where: { workspaceId_userId: { workspaceId: id, userId } } });
    if (!current) throw AppError.notFound('Member');
    if (current.role === 'owner') await this.assertNotLastOwner(id, userId);
    await this.prisma.$transaction(async (tx) => {
      await tx.projectMember.deleteMany({ where: { userId, project: { workspaceId: id } } });
      // A former member hears nothing more about the workspace's tasks.
      await tx.taskWatcher.deleteMany({ where: { userId, task: { project: { workspaceId: id } } } });
      const removed = await tx.workspaceMember.delete({
        where: { workspaceId_userId: { workspaceId: id, userId } },
        include: { user: { select: { email: true, displayName: true } } },
      });
      await recordAudit(tx, {
        workspaceId: id,
        actorId: actor.id,
        action: 'member.removed',
        target: { type: 'user', id: userId },
        details: { email: removed.user.email, displayName: removed.user.displayName, role: removed.role, left: actor.id === userId },
      });
    });
    await this.events.emit({
      type: 'member.changed',
      workspaceId: id,
      actorId: actor.id,
      userIds: [userId],
      data: { change: 'removed', userId },
    });
    await this.sessions.announce({ kind: 'access.changed', userId, workspaceId: id });
  }
}

function memberView(m: { userId: string; role: Role; createdAt: Date; user: { email: string; displayName: string } }): MemberView {
  return { userId: m.userId, email: m.user.email, displayName: m.user.displayName, role: m.role, joinedAt: m.createdAt.toISOString() };
}
