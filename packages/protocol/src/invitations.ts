// Invitations and the server's sign-up policy (API.md "Invitations and sign-up").
import { z } from 'zod';
import type { Role } from './roles.js';
import { Email, RoleSchema } from './schemas.js';

/** Longest an invitation may stay open. */
export const INVITATION_MAX_DAYS = 90;
/** Most people one link may let in. */
export const INVITATION_MAX_USES = 1000;

export const CreateInvitationBody = z
  .object({
    role: RoleSchema,
    email: Email.optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    maxUses: z.number().int().min(1).max(INVITATION_MAX_USES).optional(),
  })
  .strict();
export type CreateInvitationBody = z.infer<typeof CreateInvitationBody>;

export interface InvitationView {
  id: string;
  workspaceId: string;
  role: Role;
  /** The address it is for; null for a link anyone holding it may use. */
  email: string | null;
  inviterName: string;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
  createdAt: string;
}

/** The answer to creating an invitation: the only time its token is shown. */
export interface CreatedInvitation extends InvitationView {
  token: string;
  url: string;
}

/** What the invitation page shows before anyone signs in. */
export interface InvitationPreview {
  workspaceName: string;
  role: Role;
  inviterName: string;
  /** The address it is for, when it is for one. */
  email: string | null;
}

/** An invitation waiting for the signed-in person (an owner added them by email). */
export interface PendingInvitationView {
  id: string;
  workspaceId: string;
  workspaceName: string;
  role: Role;
  inviterName: string;
  expiresAt: string | null;
}

export interface AcceptedInvitation {
  workspaceId: string;
  role: Role;
}

export const SignupPolicies = ['open', 'invite', 'domains'] as const;
export type SignupPolicy = (typeof SignupPolicies)[number];

/** `GET /api/v1/auth/signup`: who may create an account here. */
export interface SignupPolicyView {
  policy: SignupPolicy;
  /** The allowed email domains under `domains`. */
  domains: string[];
  /** No account exists yet: the first one becomes the server admin and needs no invitation. */
  firstUser: boolean;
}
