// `tandem doctor [--url PUBLIC_URL]`: checks what a deployment depends on and prints, for each
// check, OK or what to fix. The most common self-hosting mistake — a reverse proxy that does not
// pass WebSocket upgrades, so the editor looks empty — is named with the lines that fix it.
import { statfsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from '../../base/config/config.js';
import { pendingMigrations } from '../../base/database/migrator.js';
import { UPGRADE_MARKER } from '../../base/http/upgrade-router.js';
import { commandConfig, openDatabaseUrl } from '../context.js';

export interface Check {
  name: string;
  ok: boolean;
  /** What was found (OK) or what to do (not OK). */
  detail: string;
}

const PROXY_FIX = `Your reverse proxy must pass WebSocket upgrades to Tandem for /ws and /collab/. For example:
      nginx:    location / { proxy_pass http://tandem; proxy_http_version 1.1;
                  proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;
                  proxy_set_header Host $host; proxy_read_timeout 3600s; }
                (with: map $http_upgrade $connection_upgrade { default upgrade; '' close; })
      Caddy:    reverse_proxy tandem:3000   (upgrades pass by default; remove any 'header_up -Upgrade')
      Traefik:  upgrades pass by default; check no middleware strips the Upgrade/Connection headers
                and that the entrypoint's respondingTimeouts.readTimeout is not a few seconds.`;

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(t));
}

async function checkDatabase(config: Config): Promise<Check[]> {
  let opened: Awaited<ReturnType<typeof openDatabaseUrl>> | null = null;
  try {
    opened = await timeout(openDatabaseUrl(config), 30_000, 'database');
    const client = new pg.Client({ connectionString: opened.url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string; now: Date }>('SELECT version() AS v, now() AS now');
      const skewMs = Math.abs(rows[0]!.now.getTime() - Date.now());
      const exts = await client.query<{ name: string }>(
        `SELECT name FROM pg_available_extensions WHERE name IN ('pg_trgm', 'unaccent') ORDER BY name`,
      );
      const pending = await pendingMigrations(opened.url, undefined).catch((err: Error) => err);
      const checks: Check[] = [{ name: 'database', ok: true, detail: rows[0]!.v.split(' on ')[0]! }];
      checks.push(
        pending instanceof Error
          ? { name: 'schema', ok: false, detail: pending.message }
          : pending.length === 0
            ? { name: 'schema', ok: true, detail: 'up to date' }
            : {
                name: 'schema',
                ok: true,
                detail: `${pending.length} migration(s) will apply at the next start (tandem migrate --dry-run lists them)`,
              },
      );
      checks.push(
        skewMs < 2000
          ? { name: 'clock', ok: true, detail: `within ${skewMs} ms of the database's clock` }
          : { name: 'clock', ok: false, detail: `this machine's clock is ${skewMs} ms off the database's: run NTP on every node` },
      );
      checks.push(
        exts.rowCount === 2
          ? {
              name: 'search',
              ok: true,
              detail: config.MEILI_URL ? 'PostgreSQL search available as fallback' : 'PostgreSQL search (pg_trgm, unaccent)',
            }
          : { name: 'search', ok: false, detail: 'PostgreSQL lacks pg_trgm/unaccent: install the contrib package (postgresql-contrib)' },
      );
      return checks;
    } finally {
      await client.end();
    }
  } catch (err) {
    return [{ name: 'database', ok: false, detail: `cannot reach the database: ${(err as Error).message} (check DATABASE_URL)` }];
  } finally {
    await opened?.release();
  }
}

async function checkBus(config: Config): Promise<Check> {
  if (!config.REDIS_URL) return { name: 'bus', ok: true, detail: 'in-process (one node; set REDIS_URL to run several)' };
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  try {
    await timeout(redis.connect(), 5000, 'redis');
    const pong = await timeout(redis.ping(), 3000, 'redis');
    return { name: 'bus', ok: pong === 'PONG', detail: `Redis answers (${config.REDIS_URL.replace(/\/\/[^@]*@/, '//')})` };
  } catch (err) {
    return { name: 'bus', ok: false, detail: `cannot reach Redis: ${(err as Error).message} (check REDIS_URL)` };
  } finally {
    redis.disconnect();
  }
}

async function checkSearchEngine(config: Config): Promise<Check | null> {
  if (!config.MEILI_URL) return null;
  try {
    const res = await timeout(fetch(new URL('/health', config.MEILI_URL)), 5000, 'meilisearch');
    return res.ok
      ? { name: 'search engine', ok: true, detail: 'Meilisearch answers' }
      : { name: 'search engine', ok: false, detail: `Meilisearch answered ${res.status}` };
  } catch (err) {
    return {
      name: 'search engine',
      ok: false,
      detail: `cannot reach Meilisearch: ${(err as Error).message} (search falls back to PostgreSQL; check MEILI_URL)`,
    };
  }
}

function checkDisk(config: Config): Check {
  try {
    const s = statfsSync(config.dataDir);
    const free = s.bavail * s.bsize;
    const share = s.bavail / s.blocks;
    const gb = (free / 1024 ** 3).toFixed(1);
    return free < 1024 ** 3 || share < 0.05
      ? {
          name: 'disk',
          ok: false,
          detail: `only ${gb} GB (${(share * 100).toFixed(1)}%) free in ${config.dataDir}: free space or move TANDEM_DATA_DIR`,
        }
      : { name: 'disk', ok: true, detail: `${gb} GB free in ${config.dataDir}` };
  } catch (err) {
    return { name: 'disk', ok: false, detail: `cannot read ${config.dataDir}: ${(err as Error).message} (check TANDEM_DATA_DIR)` };
  }
}

/** Sends a WebSocket upgrade without credentials: Tandem itself refuses it with its marker header. */
export function probeUpgrade(url: URL): Promise<{ status: number; reached: boolean }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'GET',
      timeout: 5000,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGFuZGVtLWRvY3Rvci1wcm9iZQ==',
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, reached: true });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, reached: res.headers[UPGRADE_MARKER.toLowerCase()] === 'reached' });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    req.end();
  });
}

export async function checkPublicUrl(raw: string): Promise<Check[]> {
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    return [{ name: 'public URL', ok: false, detail: `${raw} is not a URL (use e.g. https://tandem.example.com)` }];
  }
  try {
    const res = await timeout(fetch(new URL('/health/live', base)), 8000, raw);
    if (!res.ok)
      return [
        { name: 'public URL', ok: false, detail: `${base.origin}/health/live answered ${res.status}: is Tandem behind this address?` },
      ];
  } catch (err) {
    return [
      {
        name: 'public URL',
        ok: false,
        detail: `cannot reach ${base.origin}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`,
      },
    ];
  }
  const checks: Check[] = [{ name: 'public URL', ok: true, detail: `${base.origin} answers` }];
  for (const [name, path] of [
    ['/ws upgrade', '/ws'],
    ['/collab upgrade', '/collab/00000000-0000-0000-0000-000000000000'],
  ] as const) {
    const target = new URL(path, base);
    try {
      const probe = await probeUpgrade(target);
      checks.push(
        probe.reached
          ? { name, ok: true, detail: 'WebSocket upgrades reach Tandem' }
          : { name, ok: false, detail: `the upgrade was answered ${probe.status} without reaching Tandem.\n      ${PROXY_FIX}` },
      );
    } catch (err) {
      checks.push({ name, ok: false, detail: `the upgrade failed (${(err as Error).message}).\n      ${PROXY_FIX}` });
    }
  }
  return checks;
}

export async function doctor(
  opts: { url?: string },
  storageCheck?: (config: Config) => Promise<Check>,
): Promise<{ checks: Check[]; ok: boolean }> {
  const config = commandConfig();
  const checks: Check[] = [];
  checks.push(...(await checkDatabase(config)));
  checks.push(await checkBus(config));
  if (storageCheck) checks.push(await storageCheck(config));
  const engine = await checkSearchEngine(config);
  if (engine) checks.push(engine);
  checks.push(checkDisk(config));
  const url = opts.url ?? config.TANDEM_PUBLIC_URL;
  if (url) checks.push(...(await checkPublicUrl(url)));
  else checks.push({ name: 'public URL', ok: true, detail: 'not checked (pass --url https://your.address or set TANDEM_PUBLIC_URL)' });
  return { checks, ok: checks.every((c) => c.ok) };
}

export function formatChecks(checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks.map((c) => `${c.ok ? 'OK  ' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}`).join('\n');
}
