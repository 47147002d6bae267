// What the audit log records, one name per kind of change. Free of runtime dependencies: clients
// import it as `@tandem/protocol/audit-actions` (the web's filter lists these).
export const AuditActions = [
  'member.added',
  'member.removed',
  'member.role_changed',
  'project.override_set',
  'project.override_cleared',
  'document.shared',
  'document.unshared',
  'project.deleted',
  'document.deleted',
  'workspace.deleted',
  'webhook.created',
  'webhook.deleted',
] as const;

export type AuditAction = (typeof AuditActions)[number];

/** What an entry's `targetId` names. */
export type AuditTargetType = 'user' | 'project' | 'document' | 'webhook' | 'workspace';

/** How a login began (`GET /me/sign-ins`). Refreshing tokens continues a login; it is not a sign-in. */
export type SignInMethod = 'password' | 'sso';
