// Deletes credentials and counters nobody can use any more: ended sessions, spent or expired socket
// tickets, email tokens and single sign-on attempts and codes, login-throttle rows whose window
// has passed, and Idempotency-Key answers older than a day. Without this they grow with every
// sign-in forever.
import type pg from 'pg';
import type { ScheduledJob } from '../../base/jobs/job-registry.js';

/** Ended sessions stay a week for "where am I signed in" and incident review. */
const SESSION_GRACE = `interval '7 days'`;
/** Throttle rows quieter than this hold no state a limiter still needs. */
const THROTTLE_GRACE = `interval '1 day'`;

export function expiredCredentialsJob(pool: pg.Pool, everyMs: number): ScheduledJob {
  return {
    name: 'purge-expired-credentials',
    everyMs,
    async run() {
      const count = async (sql: string) => (await pool.query(sql)).rowCount ?? 0;
      return {
        sessions: await count(
          `DELETE FROM "Session" WHERE "expiresAt" < now() - ${SESSION_GRACE} OR "revokedAt" < now() - ${SESSION_GRACE}`,
        ),
        socketTickets: await count(`DELETE FROM "SocketTicket" WHERE "expiresAt" < now() - interval '1 hour'`),
        oidcAttempts: await count(`DELETE FROM "OidcAttempt" WHERE "expiresAt" < now()`),
        oidcLoginCodes: await count(`DELETE FROM "OidcLoginCode" WHERE "expiresAt" < now()`),
        emailTokens: await count(`DELETE FROM "EmailToken" WHERE "expiresAt" < now() OR "usedAt" < now() - interval '1 day'`),
        idempotencyKeys: await count(`DELETE FROM "IdempotencyKey" WHERE "createdAt" < now() - interval '1 day'`),
        throttleRows: await count(
          `DELETE FROM "LoginThrottle" WHERE "firstFailureAt" < now() - ${THROTTLE_GRACE} AND ("lockedUntil" IS NULL OR "lockedUntil" < now())`,
        ),
      };
    },
  };
}
