// The activity log: one row per change, written in the same transaction as the change itself.
import type { Prisma } from '../../base/database/database.js';

export type Tx = Prisma.TransactionClient;

export interface ActivityInput {
  workspaceId: string;
  projectId?: string | null;
  taskId?: string | null;
  actorId: string;
  /** `<entity>.<verb>` */
  action: string;
  changes?: object;
}

export async function recordActivity(tx: Tx, input: ActivityInput): Promise<void> {
  await tx.activityEvent.create({
    data: {
      workspaceId: input.workspaceId,
      projectId: input.projectId ?? null,
      taskId: input.taskId ?? null,
      actorId: input.actorId,
      action: input.action,
      changes: (input.changes ?? {}) as object,
    },
  });
}

/** `{field: {from, to}}` for every field whose value differs. */
export function fieldChanges<T extends object>(before: T, after: T): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[key] = { from, to };
  }
  return out;
}
