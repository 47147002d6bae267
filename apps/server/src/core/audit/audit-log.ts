// The audit log's one writer. Every entry goes in through `recordAudit` with the transaction client
// of the change it records, so the entry commits with the change or not at all: a change that fails
// leaves no entry, and an entry that cannot be written fails the change.
import type { AuditAction, AuditTargetType } from '@tandem/protocol';
import type { Prisma } from '../../base/database/database.js';

export interface AuditInput {
  workspaceId: string;
  /** Who did it; null for the system (no current caller does this). */
  actorId: string | null;
  action: AuditAction;
  target: { type: AuditTargetType; id: string };
  /** What changed and the names involved, kept as they are now: targets may be deleted later. */
  details?: Record<string, unknown>;
}

/** Writes one audit entry inside the caller's transaction (`tx` from `prisma.$transaction`). */
export async function recordAudit(tx: Prisma.TransactionClient, input: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: input.action,
      targetType: input.target.type,
      targetId: input.target.id,
      details: (input.details ?? {}) as Prisma.InputJsonObject,
    },
  });
}
