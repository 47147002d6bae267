// The caller's account (logins, personal API tokens) and the server's sign-in methods.
import type {
  ApiTokenScope,
  ApiTokenView,
  AuthProviders,
  CreatedApiToken,
  Page,
  SessionView,
  SignInView,
  WebhookDeliveryView,
  WebhookView,
} from '@tandem/protocol';
import type { Http } from './http.js';

export function identityApi(http: Http) {
  return {
    /** How people may sign in here (no token needed). */
    providers: () => http.request<AuthProviders>('GET', '/api/v1/auth/providers', { auth: false }),
    /** Sends the email-confirmation link again (when the address is not confirmed yet). */
    resendVerification: () => http.request<{ accepted: boolean }>('POST', '/api/v1/auth/verify-email/resend'),
    sessions: {
      list: () => http.request<{ items: SessionView[] }>('GET', '/api/v1/me/sessions'),
      end: (id: string) => http.request<void>('DELETE', `/api/v1/me/sessions/${id}`),
      /** Ends every other login of the caller. */
      endOthers: () => http.request<void>('DELETE', '/api/v1/me/sessions'),
    },
    /** The caller's recent sign-ins (password or SSO), newest first, ended ones included. */
    signIns: {
      list: (opts: { limit?: number } = {}) => http.request<Page<SignInView>>('GET', '/api/v1/me/sign-ins', { query: opts }),
    },
    tokens: {
      create: (body: { name: string; scope: ApiTokenScope; expiresAt?: string | null }) =>
        http.request<CreatedApiToken>('POST', '/api/v1/me/tokens', { body }),
      list: () => http.request<{ items: ApiTokenView[] }>('GET', '/api/v1/me/tokens'),
      revoke: (id: string) => http.request<void>('DELETE', `/api/v1/me/tokens/${id}`),
    },
    /** A workspace's webhooks (owners). */
    webhooks: {
      create: (workspaceId: string, body: { url: string; events: string[]; secret?: string }) =>
        http.request<WebhookView & { secret: string }>('POST', `/api/v1/workspaces/${workspaceId}/webhooks`, { body }),
      list: (workspaceId: string) => http.request<Page<WebhookView>>('GET', `/api/v1/workspaces/${workspaceId}/webhooks`),
      remove: (id: string) => http.request<void>('DELETE', `/api/v1/webhooks/${id}`),
      deliveries: (id: string) => http.request<Page<WebhookDeliveryView>>('GET', `/api/v1/webhooks/${id}/deliveries`),
      redeliver: (id: string, deliveryId: string) =>
        http.request<{ accepted: boolean }>('POST', `/api/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`),
    },
  };
}

export type IdentityApi = ReturnType<typeof identityApi>;
