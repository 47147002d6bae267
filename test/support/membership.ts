// Adding someone to a workspace takes their consent: the owner invites the account, the person
// accepts. Tests that just need a member do both in one step.
import type { TandemClient } from '@tandem/client';
import type { Role } from '@tandem/protocol';

export async function addMember(owner: TandemClient, workspaceId: string, member: TandemClient & { email: string }, role: Role) {
  const invitation = await owner.workspaces.addMember(workspaceId, { email: member.email, role });
  return member.invitations.accept(invitation.token);
}
