// Identity: account sessions, personal API tokens and the sign-in methods a server offers.
import { z } from 'zod';

export const ApiTokenScopes = ['read', 'write'] as const;
export type ApiTokenScope = (typeof ApiTokenScopes)[number];
/** Every personal API token starts with this, so scanners and people recognise one. */
export const API_TOKEN_PREFIX = 'tdm_';

export const CreateApiTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    scope: z.enum(ApiTokenScopes),
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((s) => Date.parse(s) > Date.now(), 'must be in the future')
      .nullish(),
  })
  .strict();

export interface ApiTokenView {
  id: string;
  name: string;
  scope: ApiTokenScope;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** The answer to creating a token: the only time the secret is shown. */
export interface CreatedApiToken {
  id: string;
  name: string;
  scope: ApiTokenScope;
  expiresAt: string | null;
  token: string;
}

/** One signed-in device or browser (a login) of the caller. */
export interface SessionView {
  id: string;
  /** The login making this request. */
  current: boolean;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastUsedAt: string;
}

/** How people may sign in to this server (`GET /api/v1/auth/providers`). */
export interface AuthProviders {
  password: boolean;
  oidc: { name: string } | null;
  /** Whether the server sends mail (verification, password reset). */
  email: boolean;
}
