// What each action needs, in one table: the server's permission policy authorizes with it, and
// clients ask it the same question to show only the controls a person can use. Free of runtime
// dependencies: clients import it as `@tandem/protocol/policy`.
import { type Role, roleAtLeast } from './roles.js';

export const ActionRoles = {
  'workspace.read': 'viewer',
  'workspace.update': 'owner',
  'workspace.delete': 'owner',
  'workspace.members.manage': 'owner',
  'workspace.webhooks.manage': 'owner',
  /** Read the workspace's audit log (who changed members, roles, shares, webhooks; deletions). */
  'workspace.audit.read': 'owner',
  'project.read': 'viewer',
  'project.create': 'owner',
  'project.update': 'owner',
  'project.delete': 'owner',
  'project.members.manage': 'owner',
  'status.manage': 'owner',
  'sprint.manage': 'editor',
  'label.manage': 'editor',
  'task.read': 'viewer',
  'task.create': 'editor',
  'task.update': 'editor',
  'task.delete': 'editor',
  'comment.create': 'editor',
  /** Delete anyone's comment. */
  'comment.moderate': 'owner',
  'document.read': 'viewer',
  'document.create': 'editor',
  'document.update': 'editor',
  'document.trash': 'editor',
  'document.purge': 'owner',
  'document.share': 'owner',
  /** Start, answer, resolve and reopen comment threads on a document's text. */
  'document.comment': 'editor',
  'file.read': 'viewer',
  'file.upload': 'editor',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ActionRoles;

/** May someone holding `role` (none: not a member) do `action`? */
export function allows(role: Role | null | undefined, action: Action): boolean {
  return roleAtLeast(role, ActionRoles[action]);
}

/** Rules that depend on more than a role, decided here too so server and clients agree. */
export const rules = {
  /** Only the author edits a comment, and only while they may still write comments. */
  mayEditComment: (role: Role | null | undefined, isAuthor: boolean) => isAuthor && allows(role, 'comment.create'),
  /** The author (while they may write comments) or an owner deletes a comment. */
  mayDeleteComment: (role: Role | null | undefined, isAuthor: boolean) =>
    (isAuthor && allows(role, 'comment.create')) || allows(role, 'comment.moderate'),
  /** A task can be assigned to someone who may edit it (a viewer cannot act on an assignment). */
  mayBeAssigned: (role: Role | null | undefined) => allows(role, 'task.update'),
  /**
   * A workspace always keeps an owner: false when `userId` is its only owner and would stop being
   * one (`nextRole` null: removed).
   */
  keepsAnOwner: (ownerIds: readonly string[], userId: string, nextRole: Role | null) =>
    nextRole === 'owner' || !(ownerIds.length === 1 && ownerIds[0] === userId),
};
