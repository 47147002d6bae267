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

// ---- single sign-on (OpenID Connect)

/** `POST /api/v1/auth/oidc/exchange`: the one-time code the callback put in the sign-in URL. */
export const OidcExchangeBody = z.object({ code: z.string().min(1).max(200) }).strict();

/**
 * Why a single sign-on attempt ended without signing in: the callback sends the browser to the
 * sign-in screen with `?sso_error=<reason>`, and the screen shows the matching message.
 */
export const SsoErrorMessages = {
  not_configured: 'Single sign-on is not set up on this server.',
  issuer_unreachable: 'The identity provider could not be reached. Try again in a moment; if it keeps happening, tell your administrator.',
  invalid_state:
    'This sign-in attempt is not valid any more: it expired, was already used, or was started in another browser. Start again.',
  denied: 'The identity provider did not sign you in (it was cancelled or refused).',
  invalid_response:
    'The answer from the identity provider could not be verified. Start again; if it keeps happening, tell your administrator.',
  no_email: 'The identity provider did not share your email address, so Tandem cannot sign you in. Ask your administrator.',
  email_unverified:
    'The identity provider has not confirmed your email address, so Tandem cannot sign you in with it. Confirm it there, or ask your administrator.',
  account_conflict:
    'Your email address belongs to a Tandem account that is linked to a different account at the identity provider. Ask your administrator.',
  signup_refused: 'This server does not accept new accounts for your email address. Ask a workspace owner for an invitation.',
  failed: 'Single sign-on failed. Try again; if it keeps happening, tell your administrator.',
} as const;

export type SsoErrorReason = keyof typeof SsoErrorMessages;

/** The human message for an `sso_error` value (unknown values get the general one). */
export function ssoErrorMessage(reason: string): string {
  return Object.hasOwn(SsoErrorMessages, reason) ? SsoErrorMessages[reason as SsoErrorReason] : SsoErrorMessages.failed;
}

// ---- webhooks

/** `*` or event types such as `task.created`, `comment.created`. */
const WebhookEvent = z.string().regex(/^(\*|[a-z]+(\.[a-z_]+)+)$/, 'must be * or an event type such as task.created');

export const CreateWebhookBody = z
  .object({
    url: z.string().trim().max(2000),
    events: z.array(WebhookEvent).min(1).max(50),
    secret: z.string().min(16, 'at least 16 characters').max(200).optional(),
  })
  .strict();

/** Event types a webhook may pick (what the activity log records). */
export const WebhookEventTypes = [
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'comment.created',
  'comment.updated',
  'comment.deleted',
  'checklist.added',
  'checklist.updated',
  'checklist.moved',
  'checklist.removed',
  'member.changed',
  'project.created',
  'project.updated',
  'sprint.created',
  'sprint.started',
  'sprint.completed',
  'sprint.updated',
  'sprint.deleted',
  'status.created',
  'status.updated',
  'status.deleted',
] as const;

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  event: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: string;
  /** When the next attempt is due (pending deliveries only). */
  nextAttemptAt: string | null;
}
