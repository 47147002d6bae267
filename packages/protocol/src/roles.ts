export const Roles = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof Roles)[number];

const rank: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** True when `role` is at least `required` (owner > editor > viewer). */
export function roleAtLeast(role: Role | null | undefined, required: Role): boolean {
  return role != null && rank[role] >= rank[required];
}

/** The stronger of two roles (either may be absent). */
export function strongerRole(a: Role | null | undefined, b: Role | null | undefined): Role | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return rank[a] >= rank[b] ? a : b;
}
