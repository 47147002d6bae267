// The REST core of the SDK: JSON requests, typed errors, access-token refresh on 401.
import type { AuthResult, ErrorBody, ErrorCode } from '@tandem/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error',
    message: string,
    readonly details?: unknown,
    readonly headers?: Headers,
  ) {
    super(message);
  }
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface HttpOptions {
  baseUrl: string;
  tokens?: Tokens | null;
  /** Called whenever tokens change (login, refresh, logout), e.g. to persist them. */
  onTokens?: (tokens: Tokens | null) => void;
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/**
 * Options of a create. `idempotencyKey`: the same key sent again (a retry after a lost answer)
 * returns the first answer instead of creating a second copy; use a fresh random key per create.
 */
export interface CreateOptions {
  idempotencyKey?: string;
}

export function createHeaders(opts?: CreateOptions): Record<string, string> | undefined {
  return opts?.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : undefined;
}

export class Http {
  readonly baseUrl: string;
  tokens: Tokens | null;
  private readonly onTokens?: (tokens: Tokens | null) => void;
  private readonly fetchImpl: typeof fetch;
  private refreshing: Promise<boolean> | null = null;

  constructor(opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    this.tokens = opts.tokens ?? null;
    this.onTokens = opts.onTokens;
    this.fetchImpl = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  setTokens(tokens: Tokens | null) {
    this.tokens = tokens;
    this.onTokens?.(tokens);
  }

  url(path: string, query?: Query): string {
    const q = query
      ? Object.entries(query)
          .filter(([, v]) => v !== undefined && v !== null && v !== '')
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&')
      : '';
    return `${this.baseUrl}${path}${q ? `?${q}` : ''}`;
  }

  async request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; query?: Query; auth?: boolean; raw?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const attempt = async () => {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      if (opts.auth !== false && this.tokens) headers.authorization = `Bearer ${this.tokens.accessToken}`;
      try {
        return await this.fetchImpl(this.url(path, opts.query), {
          method,
          headers,
          body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
        });
      } catch (err) {
        throw new ApiError(0, 'network_error', (err as Error).message);
      }
    };
    let res = await attempt();
    if (res.status === 401 && opts.auth !== false && this.tokens && (await this.refresh())) res = await attempt();
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (res.ok && res.headers.get('content-type')?.startsWith('text/')) return text as T;
    const data = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const err = (data as ErrorBody | undefined)?.error;
      throw new ApiError(res.status, err?.code ?? 'internal', err?.message ?? res.statusText, err?.details, res.headers);
    }
    return data as T;
  }

  /**
   * A signed-in request whose response is returned as it is (file bytes, streams), retried once
   * after a token refresh; non-2xx answers (except 304) become ApiError.
   */
  async fetchRaw(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
    const attempt = async () => {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (this.tokens) headers.authorization = `Bearer ${this.tokens.accessToken}`;
      try {
        return await this.fetchImpl(this.url(path), { method, headers, body: init.body, signal: init.signal });
      } catch (err) {
        throw new ApiError(0, 'network_error', (err as Error).message);
      }
    };
    let res = await attempt();
    if (res.status === 401 && this.tokens && (await this.refresh())) res = await attempt();
    if (!res.ok && res.status !== 304) {
      const data = safeJson(await res.text()) as ErrorBody | undefined;
      throw new ApiError(
        res.status,
        data?.error?.code ?? 'internal',
        data?.error?.message ?? res.statusText,
        data?.error?.details,
        res.headers,
      );
    }
    return res;
  }

  /** Rotates the refresh token once for all concurrent callers; false when the login has ended. */
  refresh(): Promise<boolean> {
    if (!this.tokens) return Promise.resolve(false);
    this.refreshing ??= (async () => {
      try {
        const res = await this.request<AuthResult>('POST', '/api/v1/auth/refresh', {
          body: { refreshToken: this.tokens!.refreshToken },
          auth: false,
        });
        this.setTokens({ accessToken: res.accessToken, refreshToken: res.refreshToken });
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) this.setTokens(null);
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'internal', message: text.slice(0, 200) } };
  }
}
