// Reading the audit log: newest first, page by page, filtered by action, actor and time; and the
// same selection as CSV, read from the database in batches while it streams out.
import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditEntryView, AuditFilter, AuditTargetType, Page } from '@tandem/protocol';
import { type Prisma, PrismaClient } from '../../base/database/database.js';
import { decodeCursor, toPage } from '../../base/http/page-cursor.js';
import type { Actor } from '../auth/current-user.js';
import { PermissionPolicy } from '../permission/policy.js';
import { csvRow } from './audit-csv.js';

const CSV_BATCH = 500;
const CSV_HEADER = ['id', 'createdAt', 'action', 'actorId', 'actorEmail', 'actorName', 'targetType', 'targetId', 'details'];

type Row = Prisma.AuditEntryGetPayload<{ include: { actor: { select: { displayName: true; email: true } } } }>;

const view = (r: Row): AuditEntryView => ({
  id: r.id,
  action: r.action as AuditAction,
  actorId: r.actorId,
  actor: r.actor ? { displayName: r.actor.displayName, email: r.actor.email } : null,
  targetType: r.targetType as AuditTargetType,
  targetId: r.targetId,
  details: r.details as Record<string, unknown>,
  createdAt: r.createdAt.toISOString(),
});

@Injectable()
export class AuditService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly policy: PermissionPolicy,
  ) {}

  private where(workspaceId: string, f: AuditFilter, beforeId: string | null): Prisma.AuditEntryWhereInput {
    return {
      workspaceId,
      ...(f.action ? { action: f.action } : {}),
      ...(f.actorId ? { actorId: f.actorId } : {}),
      ...(f.since ? { createdAt: { gte: new Date(f.since) } } : {}),
      ...(beforeId ? { id: { lt: beforeId } } : {}),
    };
  }

  private rows(workspaceId: string, f: AuditFilter, beforeId: string | null, take: number) {
    // Ids are time-ordered (uuid v7), so id order is creation order.
    return this.prisma.auditEntry.findMany({
      where: this.where(workspaceId, f, beforeId),
      include: { actor: { select: { displayName: true, email: true } } },
      orderBy: { id: 'desc' },
      take,
    });
  }

  async list(actor: Actor, workspaceId: string, q: AuditFilter & { limit: number; cursor?: string }): Promise<Page<AuditEntryView>> {
    const before = decodeCursor(q.cursor, ['id']);
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.audit.read');
    const rows = await this.rows(workspaceId, q, (before?.[0] as string | undefined) ?? null, q.limit + 1);
    return toPage(rows.map(view), q.limit, (last) => [last.id]);
  }

  /** Authorizes first (so a refusal is an ordinary error answer), then yields the CSV line by line. */
  async csv(actor: Actor, workspaceId: string, f: AuditFilter): Promise<AsyncIterable<string>> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.audit.read');
    const rows = this.rows.bind(this);
    return (async function* () {
      yield csvRow(CSV_HEADER);
      let before: string | null = null;
      for (;;) {
        const batch = await rows(workspaceId, f, before, CSV_BATCH);
        for (const r of batch) {
          yield csvRow([
            r.id,
            r.createdAt.toISOString(),
            r.action,
            r.actorId,
            r.actor?.email,
            r.actor?.displayName,
            r.targetType,
            r.targetId,
            r.details,
          ]);
        }
        if (batch.length < CSV_BATCH) return;
        before = batch[batch.length - 1]!.id;
      }
    })();
  }
}
