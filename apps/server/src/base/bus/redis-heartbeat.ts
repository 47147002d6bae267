// A Redis that stops answering without closing the connection (a network partition, a frozen
// server) looks "ready" to its client forever, and every command sent to it waits forever. Each
// Redis connection of the server therefore fails its commands after a bounded wait and pings on
// a heartbeat: an unanswered PING drops the connection, which then reconnects like after any loss
// (and reports not-ready meanwhile).
import type { Redis } from 'ioredis';
import { logger } from '../logger/logger.js';

const log = logger('redis');

/** How often a ready connection is pinged. */
const HEARTBEAT_MS = 1000;
/** A command unanswered this long fails (ioredis `commandTimeout`): a publish, a rate-limit count, a PING. */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;

/** Starts the heartbeat of `conn` (which must use REDIS_COMMAND_TIMEOUT_MS); returns the function that stops it. */
export function watchRedis(conn: Redis, name: string): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    if (conn.status !== 'ready') return;
    conn.ping().catch((err: Error) => {
      if (stopped || conn.status !== 'ready') return;
      log.warn({ connection: name, err: err.message }, 'redis did not answer a heartbeat; reconnecting');
      conn.disconnect(true);
    });
  }, HEARTBEAT_MS).unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
