// The one configuration loader: environment only, validated once at start-up. A bad value stops
// the server with a message naming the variable.
import { homedir, platform, userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  TANDEM_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  /**
   * How long a request waits for a free database connection (or for a new one to open) before it is
   * answered 503 with Retry-After: a database that cannot keep up, or does not answer, fails requests
   * in bounded time instead of holding them until the client gives up.
   */
  DATABASE_POOL_WAIT_MS: int(100, 600_000).default(10_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  /** Prefix for every bus channel, so several deployments (or test runs) can share one Redis. */
  REDIS_CHANNEL_PREFIX: z.string().max(64).default(''),
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY: z.string().optional(),
  S3_SECRET_KEY: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default('us-east-1'),
  MEILI_URL: z.string().url().optional(),
  MEILI_KEY: z.string().optional(),
  TANDEM_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TANDEM_ALLOWED_ORIGINS: csv.optional(),
  /**
   * Let the Tandem desktop app (its pages have the origin app://tandem) call the API and open
   * sockets. Tokens travel as Bearer headers, never cookies, so this grants no page anything.
   */
  TANDEM_DESKTOP_APP: bool.default(true),
  /** The desktop update feed: GET /updates/<file> serves this directory's files (off when unset). */
  TANDEM_UPDATES_DIR: z.string().min(1).optional(),
  TANDEM_PUBLIC_URL: z.string().url().optional(),
  /** Behind a reverse proxy: trust X-Forwarded-For from it (client addresses for rate limits and logs). */
  TANDEM_TRUST_PROXY: bool.default(false),
  TANDEM_WEB_DIR: z.string().optional(),
  /** Where prisma/migrations is, when not beside the server (container images). */
  TANDEM_MIGRATIONS_DIR: z.string().optional(),
  TANDEM_MIGRATE_ON_START: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCESS_TOKEN_TTL_SECONDS: int(30, 86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: int(1, 365).default(30),
  BCRYPT_ROUNDS: int(4, 15).default(12),
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  /** Who may create an account: anyone, people with an invitation (the first user always may), or addresses at TANDEM_SIGNUP_DOMAINS. */
  TANDEM_SIGNUP: z.enum(['open', 'invite', 'domains']).default('invite'),
  TANDEM_SIGNUP_DOMAINS: csv.transform((list) => list.map((d) => d.toLowerCase().replace(/^@/, ''))).default([]),
  LOGIN_LOCK_SECONDS: int(1, 86_400).default(300),
  /** Sign-in and sign-up with email and password; off (false) leaves single sign-on only. */
  TANDEM_PASSWORD_LOGIN: bool.default(true),
  /** Single sign-on through an OpenID Connect issuer (docs/sso.md); all three or none. */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().max(2000).optional(),
  /** The label of the sign-in button: "Sign in with <OIDC_NAME>". */
  OIDC_NAME: z.string().trim().min(1).max(60).default('Single sign-on'),
  /** How long one request to the identity provider (discovery, keys, tokens, userinfo) may take. */
  OIDC_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** A connection silent this long (mid-request or idle between requests) is closed. */
  HTTP_IDLE_TIMEOUT_MS: int(1000, 3_600_000).default(60_000),
  /** Time a client has to send a request's complete headers. */
  HTTP_HEADERS_TIMEOUT_MS: int(1000, 600_000).default(15_000),
  /** Time a client has to send a whole request, body included (large uploads on slow links need minutes). */
  HTTP_REQUEST_TIMEOUT_MS: int(1000, 24 * 3_600_000).default(300_000),
  BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  UPLOAD_LIMIT_BYTES: int(1024, 5 * 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(6000),
  /** Bytes a workspace may keep in uploaded files (0: no limit). Over it an upload gets 413. */
  WORKSPACE_QUOTA_BYTES: int(0, Number.MAX_SAFE_INTEGER).default(10 * 1024 * 1024 * 1024),
  /** Images with more pixels than this keep their file but get no thumbnail (decompression bombs). */
  IMAGE_MAX_PIXELS: int(1, 1_000_000_000).default(100_000_000),
  /** Images processed at once per node (thumbnails, hashes), off the request path. */
  IMAGE_PIPELINE_CONCURRENCY: int(1, 64).default(2),
  /** Days a trashed document (and its files) is kept before the cleanup job removes its files. */
  TRASH_RETENTION_DAYS: int(0, 3650).default(30),
  /** Stored objects younger than this are never removed as unused (uploads and thumbnails in flight). */
  FILES_CLEANUP_GRACE_SECONDS: int(0, 7 * 86_400).default(3600),
  /** Keep task-list pages and access grants in memory between changes (see README "Read caches"). */
  READ_CACHE: bool.default(true),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// URL')
    .optional(),
  SMTP_FROM: z.string().default('Tandem <no-reply@tandem.local>'),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  /**
   * Load shedding: while the event-loop delay p99 over the last second is above this, new requests
   * get 503 with Retry-After and new socket upgrades HTTP 503 (/health and /metrics never). 0: off.
   */
  OVERLOAD_EVENT_LOOP_DELAY_MS: int(0, 60_000).default(500),
  /** The Retry-After (seconds) sent with a shed request or upgrade. */
  OVERLOAD_RETRY_AFTER_SECONDS: int(1, 3600).default(2),
  /** Realtime socket (/ws) limits. A frame over the size is closed with 1009. */
  WS_MAX_FRAME_BYTES: int(256, 16 * 1024 * 1024).default(16 * 1024),
  /** Frames per second per socket: over it the socket gets one warning, then close 1008. */
  WS_MAX_FRAMES_PER_SECOND: int(1, 100_000).default(50),
  WS_MAX_SOCKETS_PER_USER: int(1, 100_000).default(32),
  WS_MAX_SOCKETS_PER_NODE: int(1, 1_000_000).default(25_000),
  WS_MAX_ROOMS_PER_SOCKET: int(1, 10_000).default(256),
  /** Time and bytes a client may spend before its upgrade is authenticated. */
  WS_PREAUTH_TIMEOUT_MS: int(100, 120_000).default(10_000),
  WS_PREAUTH_MAX_BYTES: int(256, 1024 * 1024).default(16 * 1024),
  /** One sweep pings every socket this often; a socket silent for WS_IDLE_TIMEOUT_MS is dropped. */
  WS_HEARTBEAT_INTERVAL_MS: int(100, 600_000).default(15_000),
  WS_IDLE_TIMEOUT_MS: int(200, 3_600_000).default(40_000),
  /** Presence of a node that stops announcing itself disappears after this long. */
  PRESENCE_TTL_MS: int(300, 600_000).default(6_000),
  /** Largest single collab message (a Yjs update) a client may send; bigger closes the socket (1009). */
  COLLAB_MAX_UPDATE_BYTES: int(1024, 64 * 1024 * 1024).default(2 * 1024 * 1024),
  /** Largest collaborative document; updates that would grow it further are refused (close 4413). */
  COLLAB_MAX_DOCUMENT_BYTES: int(64 * 1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  /**
   * Bytes of updates that cannot apply yet (a clock gap) the server keeps, per document and per
   * connection; past it they are dropped and the sender is closed (4400). Honest clients leave none.
   */
  COLLAB_MAX_PENDING_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  /**
   * Sync messages (Yjs updates) per second one /collab connection may send; over it the socket is
   * closed with 1008 and the client resends its pending edits on reconnect. Higher than /ws's frame
   * rate: one keystroke or paste is one update, and a client catching up sends a burst.
   */
  COLLAB_MAX_UPDATES_PER_SECOND: int(1, 100_000).default(250),
  /** Awareness (cursor) messages per second per connection; the excess is dropped. */
  COLLAB_AWARENESS_PER_SECOND: int(1, 10_000).default(30),
  /** Log rows after which a document is compacted into its snapshot. */
  COLLAB_COMPACT_AFTER_UPDATES: int(1, 1_000_000).default(500),
  /**
   * A document's "contentAt" is written with a log batch at most this often; edits in between are
   * stamped by a trailing timer, so it is at most twice this behind the last accepted edit.
   */
  COLLAB_CONTENT_STAMP_MS: int(10, 3_600_000).default(5000),
  /** Minimum time between two automatic history versions of a document; also the longest an editing session goes without one. */
  COLLAB_VERSION_INTERVAL_SECONDS: int(0, 86_400 * 30).default(600),
  /** An editing session this long without a stored edit has gone quiet: its document gets a history version. */
  COLLAB_VERSION_QUIET_SECONDS: int(1, 86_400).default(120),
  /** Webhooks: allow targets on loopback, link-local and private networks (off: those are refused). */
  TANDEM_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** Webhooks: how long one delivery may take (connect, send, answer) before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Webhooks: attempts before a delivery is given up as failed (backoff doubles from 1 s, capped at 1 h). */
  WEBHOOK_MAX_ATTEMPTS: int(1, 50).default(10),
  /** Webhooks: how much of a receiver's answer is read; the rest is dropped. */
  WEBHOOK_RESPONSE_MAX_BYTES: int(0, 10 * 1024 * 1024).default(64 * 1024),
  /** How often the cleanup jobs (expired credentials, trash, history thinning, orphaned files) run. */
  CLEANUP_INTERVAL_MINUTES: int(1, 7 * 24 * 60).default(60),
  /** Scheduled backups: where archives go (also taken before migrations), when, and how many are kept. */
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_CRON: z.string().min(9).optional(),
  BACKUP_KEEP: int(1, 10_000).default(7),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  dataDir: string;
  /** True when no DATABASE_URL is set and the server runs its own PostgreSQL. */
  embeddedDatabase: boolean;
  s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string } | null;
  /** Single sign-on, when OIDC_* are set. */
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string; redirectUri: string; allowHttp: boolean } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Where Tandem keeps its data when TANDEM_DATA_DIR is not set. */
export function defaultDataDir(): string {
  if (platform() === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tandem');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tandem');
  // A root-run service keeps its state in /var/lib: the embedded PostgreSQL runs as the `postgres`
  // user, which cannot enter /root.
  if (userInfo().uid === 0) return '/var/lib/tandem';
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'tandem');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" so `FOO= node main.js` behaves like no FOO.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const s3Vars = ['S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET'] as const;
  const s3Set = s3Vars.filter((k) => e[k] !== undefined);
  if (s3Set.length > 0 && s3Set.length < s3Vars.length) {
    throw new ConfigError(s3Vars.filter((k) => e[k] === undefined).map((k) => `${k}: required when S3_ENDPOINT is used`));
  }
  if (e.TANDEM_SIGNUP === 'domains' && e.TANDEM_SIGNUP_DOMAINS.length === 0) {
    throw new ConfigError(['TANDEM_SIGNUP_DOMAINS: required when TANDEM_SIGNUP=domains (e.g. example.com,example.org)']);
  }
  if (e.MEILI_URL === undefined && e.MEILI_KEY !== undefined) {
    throw new ConfigError(['MEILI_URL: required when MEILI_KEY is set']);
  }
  const oidc = oidcConfig(e);
  if (!e.TANDEM_PASSWORD_LOGIN && !oidc) {
    throw new ConfigError([
      'TANDEM_PASSWORD_LOGIN: false needs single sign-on (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET), or nobody could sign in',
    ]);
  }
  return {
    ...e,
    dataDir: e.TANDEM_DATA_DIR ?? defaultDataDir(),
    embeddedDatabase: e.DATABASE_URL === undefined,
    s3:
      s3Set.length === s3Vars.length
        ? {
            endpoint: e.S3_ENDPOINT!,
            accessKey: e.S3_ACCESS_KEY!,
            secretKey: e.S3_SECRET_KEY!,
            bucket: e.S3_BUCKET!,
            region: e.S3_REGION,
          }
        : null,
    oidc,
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function oidcConfig(e: Env): Config['oidc'] {
  const vars = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
  const set = vars.filter((k) => e[k] !== undefined);
  if (set.length === 0) return null;
  const problems = vars.filter((k) => e[k] === undefined).map((k) => `${k}: required for single sign-on (${set.join(', ')} set)`);
  if (!e.TANDEM_PUBLIC_URL) {
    problems.push(
      'TANDEM_PUBLIC_URL: required for single sign-on (the identity provider sends people back to <TANDEM_PUBLIC_URL>/api/v1/auth/oidc/callback)',
    );
  }
  const issuer = e.OIDC_ISSUER ? new URL(e.OIDC_ISSUER) : null;
  // Plain http only to an issuer on this machine (a local test or development provider): tokens
  // from anywhere else must travel over TLS.
  const allowHttp = issuer?.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname);
  if (issuer && issuer.protocol !== 'https:' && !allowHttp) {
    problems.push('OIDC_ISSUER: must be an https:// URL (plain http is accepted only for an issuer on localhost)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    issuer: e.OIDC_ISSUER!,
    clientId: e.OIDC_CLIENT_ID!,
    clientSecret: e.OIDC_CLIENT_SECRET!,
    name: e.OIDC_NAME,
    redirectUri: `${e.TANDEM_PUBLIC_URL!.replace(/\/+$/, '')}/api/v1/auth/oidc/callback`,
    allowHttp,
  };
}

/** The origin of the desktop app's bundled pages (its custom `app://` scheme, see apps/desktop). */
export const DESKTOP_APP_ORIGIN = 'app://tandem';

/** Browser origins allowed for CORS and on the sockets, besides the server's own. */
export function allowedOrigins(config: Pick<Config, 'TANDEM_ALLOWED_ORIGINS' | 'TANDEM_DESKTOP_APP'>): string[] {
  const list = [...(config.TANDEM_ALLOWED_ORIGINS ?? [])];
  if (config.TANDEM_DESKTOP_APP && !list.includes(DESKTOP_APP_ORIGIN)) list.push(DESKTOP_APP_ORIGIN);
  return list;
}

/** Injection token for the Config object. */
export const CONFIG = Symbol('CONFIG');
