// The workspace audit log (owners) and the caller's own sign-in history: query schemas and views.
import { z } from 'zod';
import { type AuditAction, AuditActions, type AuditTargetType, type SignInMethod } from './audit-actions.js';

export * from './audit-actions.js';

/** Filters shared by the JSON list and the CSV export. */
export const AuditFilterQuery = z
  .object({
    action: z.enum(AuditActions).optional(),
    actorId: z.uuid().optional(),
    /** Entries at or after this time. */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const AuditQuery = AuditFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
}).strict();

export type AuditFilter = z.infer<typeof AuditFilterQuery>;

export interface AuditEntryView {
  id: string;
  action: AuditAction;
  actorId: string | null;
  /** Who did it, as they are named now (null when the account is gone). */
  actor: { displayName: string; email: string } | null;
  targetType: AuditTargetType;
  targetId: string;
  /** What changed, with the names involved at the time (targets may be gone since). */
  details: Record<string, unknown>;
  createdAt: string;
}

export const SignInsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** One sign-in of the caller: a login, from its start, whether or not it has ended since. */
export interface SignInView {
  id: string;
  method: SignInMethod;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  /** The login making this request. */
  current: boolean;
  /** Still signed in (not signed out, revoked or expired). */
  active: boolean;
  /** When it ended, if it has. */
  endedAt: string | null;
}
