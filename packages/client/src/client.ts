// The typed SDK used by the web app, the desktop app, the tests and the load tools.
import type {
  AcceptedInvitation,
  AuthResult,
  CreatedInvitation,
  CreateInvitationBody,
  InvitationPreview,
  InvitationView,
  MemberView,
  Page,
  PendingInvitationView,
  Role,
  SignupPolicyView,
  UserView,
  WorkspaceView,
} from '@tandem/protocol';
import { type AuditApi, auditApi } from './audit.js';
import { documentThreadsApi } from './document-threads.js';
import { documentsApi } from './documents.js';
import { type FilesApi, filesApi } from './files.js';
import { Http, type HttpOptions } from './http.js';
import { type IdentityApi, identityApi } from './identity.js';
import { type RealtimeOptions, RealtimeSocket } from './realtime.js';
import { searchApi } from './search.js';
import { type TrackingApi, trackingApi } from './tracking.js';

export class TandemClient {
  readonly http: Http;
  /** Work tracking: projects, statuses, tasks, sprints, comments, checklist, labels, notifications. */
  readonly tracking: TrackingApi;

  constructor(opts: HttpOptions | string) {
    this.http = new Http(typeof opts === 'string' ? { baseUrl: opts } : opts);
    this.tracking = trackingApi(this.http);
  }

  get baseUrl() {
    return this.http.baseUrl;
  }
  get accessToken() {
    return this.http.tokens?.accessToken ?? null;
  }
  get refreshToken() {
    return this.http.tokens?.refreshToken ?? null;
  }

  private signedIn(res: AuthResult): AuthResult {
    this.http.setTokens({ accessToken: res.accessToken, refreshToken: res.refreshToken });
    return res;
  }

  readonly auth = {
    register: async (body: { email: string; password: string; displayName: string; invitation?: string }) =>
      this.signedIn(await this.http.request<AuthResult>('POST', '/api/v1/auth/register', { body, auth: false })),
    login: async (body: { email: string; password: string }) =>
      this.signedIn(await this.http.request<AuthResult>('POST', '/api/v1/auth/login', { body, auth: false })),
    refresh: () => this.http.refresh(),
    logout: async () => {
      const refreshToken = this.http.tokens?.refreshToken;
      if (refreshToken) await this.http.request<void>('POST', '/api/v1/auth/logout', { body: { refreshToken }, auth: false });
      this.http.setTokens(null);
    },
    changePassword: (currentPassword: string, newPassword: string) =>
      this.http.request<void>('POST', '/api/v1/auth/password', { body: { currentPassword, newPassword } }),
    requestPasswordReset: (email: string) =>
      this.http.request<void>('POST', '/api/v1/auth/password-reset/request', { body: { email }, auth: false }),
    resetPassword: (token: string, newPassword: string) =>
      this.http.request<void>('POST', '/api/v1/auth/password-reset', { body: { token, newPassword }, auth: false }),
    verifyEmail: (token: string) => this.http.request<void>('POST', '/api/v1/auth/verify-email', { body: { token }, auth: false }),
    /** Single sign-on: the page that sends the browser to the server's identity provider. */
    oidcStartUrl: () => `${this.baseUrl}/api/v1/auth/oidc/start`,
    /** Single sign-on: turns the one-time code of `/sign-in/sso?code=…` into a login. */
    oidcExchange: async (code: string) =>
      this.signedIn(await this.http.request<AuthResult>('POST', '/api/v1/auth/oidc/exchange', { body: { code }, auth: false })),
    /** Who may create an account on this server. */
    signupPolicy: () => this.http.request<SignupPolicyView>('GET', '/api/v1/auth/signup', { auth: false }),
    wsTicket: () => this.http.request<{ ticket: string; expiresIn: number }>('POST', '/api/v1/auth/ws-ticket'),
  };

  /** desktop (#13): what this server is (no token needed); the desktop app checks it before connecting. */
  serverInfo = () =>
    this.http.request<{ product: 'tandem'; version: string; desktopApp: boolean; updateFeed: boolean }>('GET', '/api/v1/server-info', {
      auth: false,
    });

  /** A realtime socket that signs in with a fresh single-use ticket on every (re)connect; call connect(). */
  realtime = (opts: Partial<RealtimeOptions> = {}) =>
    new RealtimeSocket({ baseUrl: this.baseUrl, token: async () => (await this.auth.wsTicket()).ticket, ...opts });
  get documents() {
    this.documentsCache ??= documentsApi(this.http);
    return this.documentsCache;
  }
  private documentsCache?: ReturnType<typeof documentsApi>;
  /** Search (tasks, documents, comments, files) and backlinks. */
  get search() {
    this.searchCache ??= searchApi(this.http);
    return this.searchCache;
  }
  private searchCache?: ReturnType<typeof searchApi>;
  /** The caller's logins and personal API tokens; the server's sign-in methods. */
  get identity(): IdentityApi {
    this.identityCache ??= identityApi(this.http);
    return this.identityCache;
  }
  private identityCache?: IdentityApi;
  /** A workspace's audit log (owners): who changed members, roles, shares and webhooks, and deletions. */
  get audit(): AuditApi {
    this.auditCache ??= auditApi(this.http);
    return this.auditCache;
  }
  private auditCache?: AuditApi;
  /** Files and attachments: upload (with progress and cancel), list, download, delete, covers, storage used. */
  get files(): FilesApi {
    this.filesCache ??= filesApi(this.http);
    return this.filesCache;
  }
  private filesCache?: FilesApi;
  /** Comment threads on documents' text. */
  get documentThreads() {
    this.documentThreadsCache ??= documentThreadsApi(this.http);
    return this.documentThreadsCache;
  }
  private documentThreadsCache?: ReturnType<typeof documentThreadsApi>;

  me = () => this.http.request<UserView>('GET', '/api/v1/me');
  updateMe = (body: { displayName: string }) => this.http.request<UserView>('PATCH', '/api/v1/me', { body });

  readonly workspaces = {
    create: (body: { name: string }) => this.http.request<WorkspaceView>('POST', '/api/v1/workspaces', { body }),
    list: () => this.http.request<Page<WorkspaceView>>('GET', '/api/v1/workspaces'),
    get: (id: string) => this.http.request<WorkspaceView>('GET', `/api/v1/workspaces/${id}`),
    update: (id: string, body: { name: string }) => this.http.request<WorkspaceView>('PATCH', `/api/v1/workspaces/${id}`, { body }),
    remove: (id: string) => this.http.request<void>('DELETE', `/api/v1/workspaces/${id}`),
    members: (id: string) => this.http.request<Page<MemberView>>('GET', `/api/v1/workspaces/${id}/members`),
    /** Invites an existing account (it has to accept: `invitations.accept(result.token)` or from its pending list). */
    addMember: (id: string, body: { email: string; role: Role }) =>
      this.http.request<CreatedInvitation>('POST', `/api/v1/workspaces/${id}/members`, { body }),
    updateMember: (id: string, userId: string, body: { role: Role }) =>
      this.http.request<MemberView>('PATCH', `/api/v1/workspaces/${id}/members/${userId}`, { body }),
    removeMember: (id: string, userId: string) => this.http.request<void>('DELETE', `/api/v1/workspaces/${id}/members/${userId}`),
  };

  // ---- invitations (API.md "Invitations and sign-up")
  readonly invitations = {
    create: (workspaceId: string, body: CreateInvitationBody) =>
      this.http.request<CreatedInvitation>('POST', `/api/v1/workspaces/${workspaceId}/invitations`, { body }),
    list: (workspaceId: string) => this.http.request<Page<InvitationView>>('GET', `/api/v1/workspaces/${workspaceId}/invitations`),
    revoke: (id: string) => this.http.request<void>('DELETE', `/api/v1/invitations/${id}`),
    /** No sign-in needed: what the invitation page shows. */
    preview: (token: string) =>
      this.http.request<InvitationPreview>('GET', `/api/v1/invitations/${encodeURIComponent(token)}`, { auth: false }),
    accept: (token: string) => this.http.request<AcceptedInvitation>('POST', `/api/v1/invitations/${encodeURIComponent(token)}/accept`),
    /** Invitations waiting for the signed-in person. */
    pending: () => this.http.request<Page<PendingInvitationView>>('GET', '/api/v1/me/invitations'),
    acceptPending: (id: string) => this.http.request<AcceptedInvitation>('POST', `/api/v1/me/invitations/${id}/accept`),
    decline: (id: string) => this.http.request<void>('DELETE', `/api/v1/me/invitations/${id}`),
  };
}
