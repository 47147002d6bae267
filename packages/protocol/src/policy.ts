// What each action needs, in one table: the server's permission policy authorizes with it, and
// clients ask it the same question to show only the controls a person can use. Free of runtime
// dependencies: clients import it as `@tandem/protocol/policy`.
import { type Role, roleAtLeast } from './roles.js';

export const ActionRoles = {
  'workspace.read': 'viewer',
  'workspace.update': 'owner',
  'workspace.delete': 'owner',
  'workspace.members.manage': 'owner',
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
  'file.read': 'viewer',
  'file.upload': 'editor',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ActionRoles;

/** May someone holding `role` (none: not a member) do `action`? */
export function allows(role: Role | null | undefined, action: Action): boolean {
  return roleAtLeast(role, ActionRoles[action]);
}
