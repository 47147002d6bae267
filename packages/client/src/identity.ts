// The caller's account (logins, personal API tokens) and the server's sign-in methods.
import type { ApiTokenScope, ApiTokenView, AuthProviders, CreatedApiToken, SessionView } from '@tandem/protocol';
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
    tokens: {
      create: (body: { name: string; scope: ApiTokenScope; expiresAt?: string | null }) =>
        http.request<CreatedApiToken>('POST', '/api/v1/me/tokens', { body }),
      list: () => http.request<{ items: ApiTokenView[] }>('GET', '/api/v1/me/tokens'),
      revoke: (id: string) => http.request<void>('DELETE', `/api/v1/me/tokens/${id}`),
    },
  };
}

export type IdentityApi = ReturnType<typeof identityApi>;
