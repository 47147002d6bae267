// Request schemas shared by the server (validation, OpenAPI) and clients (types).
import { z } from 'zod';
import { Roles } from './roles.js';

export const Email = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((s) => s.toLowerCase());
export const Password = z.string().min(8, 'at least 8 characters').max(200);
export const DisplayName = z.string().trim().min(1).max(100);
export const RoleSchema = z.enum(Roles);

export const RegisterBody = z
  .object({
    email: Email,
    password: Password,
    displayName: DisplayName,
    /** An invitation token: needed to sign up when the server is invite-only. */
    invitation: z.string().min(1).max(512).optional(),
  })
  .strict();
export const LoginBody = z.object({ email: z.string().max(254), password: z.string().max(200) }).strict();
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(4096) }).strict();
export const ChangePasswordBody = z.object({ currentPassword: z.string().max(200), newPassword: Password }).strict();
export const RequestPasswordResetBody = z.object({ email: z.string().max(254) }).strict();
export const ResetPasswordBody = z.object({ token: z.string().min(1).max(512), newPassword: Password }).strict();
export const VerifyEmailBody = z.object({ token: z.string().min(1).max(512) }).strict();
export const UpdateMeBody = z.object({ displayName: DisplayName }).strict();

export const CreateWorkspaceBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();
export const UpdateWorkspaceBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();
export const AddMemberBody = z.object({ email: Email, role: RoleSchema }).strict();
export const UpdateMemberBody = z.object({ role: RoleSchema }).strict();

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});

export type RegisterBody = z.infer<typeof RegisterBody>;
export type LoginBody = z.infer<typeof LoginBody>;
export type CreateWorkspaceBody = z.infer<typeof CreateWorkspaceBody>;
export type AddMemberBody = z.infer<typeof AddMemberBody>;
