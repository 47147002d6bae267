// Workspace labels: any editor creates and edits them; tasks reference them by id.
import { Injectable } from '@nestjs/common';
import type { LabelView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';

const view = (l: { id: string; workspaceId: string; name: string; color: string }): LabelView => ({
  id: l.id,
  workspaceId: l.workspaceId,
  name: l.name,
  color: l.color,
});
const duplicate = (err: unknown) =>
  (err as { code?: string }).code === 'P2002' ? AppError.conflict('A label with this name already exists in the workspace') : err;

@Injectable()
export class LabelsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
  ) {}

  async list(actor: Actor, workspaceId: string) {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.read');
    const rows = await this.prisma.label.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } });
    return { items: rows.map(view), nextCursor: null };
  }

  async create(actor: Actor, workspaceId: string, body: { name: string; color?: string }): Promise<LabelView> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'label.manage');
    const label = await this.prisma.label.create({ data: { workspaceId, name: body.name, color: body.color } }).catch((err) => {
      throw duplicate(err);
    });
    await this.events.emit({ type: 'label.created', workspaceId, actorId: actor.id, data: view(label) });
    return view(label);
  }

  async update(actor: Actor, labelId: string, body: { name?: string; color?: string }): Promise<LabelView> {
    const workspaceId = await this.authorize(actor, labelId);
    const label = await this.prisma.label.update({ where: { id: labelId }, data: body }).catch((err) => {
      throw duplicate(err);
    });
    await this.events.emit({ type: 'label.updated', workspaceId, actorId: actor.id, data: view(label) });
    return view(label);
  }

  async remove(actor: Actor, labelId: string): Promise<void> {
    const workspaceId = await this.authorize(actor, labelId);
    await this.prisma.label.delete({ where: { id: labelId } });
    await this.events.emit({ type: 'label.deleted', workspaceId, actorId: actor.id, data: { id: labelId } });
  }

  private async authorize(actor: Actor, labelId: string): Promise<string> {
    const label = await this.prisma.label.findUnique({ where: { id: labelId }, select: { workspaceId: true } });
    if (!label) throw AppError.notFound('Label');
    await this.policy.authorize(actor.id, { workspace: label.workspaceId }, 'label.manage', 'Label');
    return label.workspaceId;
  }
}
