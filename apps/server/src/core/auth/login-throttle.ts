// Backoff after repeated failed logins, per email (known or unknown alike) and per client address,
// stored in the database so every node agrees.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';

const WINDOW_MS = 15 * 60_000;

@Injectable()
export class LoginThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  private keys(email: string, ip: string) {
    return [`email:${email}`, `ip:${ip}`];
  }

  /** Throws 429 with Retry-After while either key is locked. */
  async check(email: string, ip: string): Promise<void> {
    const rows = await this.prisma.loginThrottle.findMany({ where: { key: { in: this.keys(email, ip) } } });
    const now = Date.now();
    const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
    if (until > now) throw AppError.rateLimited((until - now) / 1000, 'Too many failed logins; try again later');
  }

  async fail(email: string, ip: string): Promise<void> {
    const max = this.config.LOGIN_MAX_FAILURES;
    // The IP limit is looser: a shared office address must not lock everyone out.
    for (const [key, limit] of [
      [`email:${email}`, max],
      [`ip:${ip}`, max * 10],
    ] as const) {
      await this.prisma.$executeRaw`
        INSERT INTO "LoginThrottle" (key, failures, "firstFailureAt") VALUES (${key}, 1, now())
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN "LoginThrottle"."firstFailureAt" < now() - ${`${WINDOW_MS} milliseconds`}::interval
                          THEN 1 ELSE "LoginThrottle".failures + 1 END,
          "firstFailureAt" = CASE WHEN "LoginThrottle"."firstFailureAt" < now() - ${`${WINDOW_MS} milliseconds`}::interval
                          THEN now() ELSE "LoginThrottle"."firstFailureAt" END`;
      await this.prisma.$executeRaw`
        UPDATE "LoginThrottle" SET "lockedUntil" = now() + ${`${this.config.LOGIN_LOCK_SECONDS} seconds`}::interval,
          failures = 0, "firstFailureAt" = now()
        WHERE key = ${key} AND failures >= ${limit}`;
    }
  }

  async succeed(email: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { key: `email:${email}` } });
  }
}
