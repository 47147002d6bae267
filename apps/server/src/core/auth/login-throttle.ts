// Backoff after failed sign-ins, stored in the database so every node agrees. What gets locked is
// never the account itself, so nobody can lock a colleague out by typing their email:
// - the pair (email, address): LOGIN_MAX_FAILURES failures lock that pair for LOGIN_LOCK_SECONDS;
// - the address: ten times as many failures (a shared office address must not lock everyone out)
//   lock every sign-in from it;
// - the account: failures from anywhere only slow its answers down (up to MAX_SLOWDOWN_MS), so
//   the right password from an address that is not failing still signs in.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';

const WINDOW_MS = 15 * 60_000;
const SLOWDOWN_STEP_MS = 250;
const MAX_SLOWDOWN_MS = 3000;

const pairKey = (email: string, ip: string) => `pair:${email}|${ip}`;
const ipKey = (ip: string) => `ip:${ip}`;
const accountKey = (email: string) => `email:${email}`;

@Injectable()
export class LoginThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Throws 429 with Retry-After while the pair or the address is locked; slows down a much-failed account. */
  async check(email: string, ip: string): Promise<void> {
    const rows = await this.prisma.loginThrottle.findMany({ where: { key: { in: [pairKey(email, ip), ipKey(ip), accountKey(email)] } } });
    const now = Date.now();
    const until = Math.max(0, ...rows.filter((r) => r.key !== accountKey(email)).map((r) => r.lockedUntil?.getTime() ?? 0));
    if (until > now) throw AppError.rateLimited((until - now) / 1000, 'Too many failed sign-ins from here. Try again later.');
    const account = rows.find((r) => r.key === accountKey(email));
    const recent = account && account.firstFailureAt.getTime() > now - WINDOW_MS ? account.failures : 0;
    const over = recent - this.config.LOGIN_MAX_FAILURES;
    if (over > 0) await new Promise((r) => setTimeout(r, Math.min(MAX_SLOWDOWN_MS, over * SLOWDOWN_STEP_MS)));
  }

  async fail(email: string, ip: string): Promise<void> {
    const max = this.config.LOGIN_MAX_FAILURES;
    for (const [key, limit] of [
      [pairKey(email, ip), max],
      [ipKey(ip), max * 10],
      [accountKey(email), null],
    ] as const) {
      await this.prisma.$executeRaw`
        INSERT INTO "LoginThrottle" (key, failures, "firstFailureAt") VALUES (${key}, 1, now())
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN "LoginThrottle"."firstFailureAt" < now() - ${`${WINDOW_MS} milliseconds`}::interval
                          THEN 1 ELSE "LoginThrottle".failures + 1 END,
          "firstFailureAt" = CASE WHEN "LoginThrottle"."firstFailureAt" < now() - ${`${WINDOW_MS} milliseconds`}::interval
                          THEN now() ELSE "LoginThrottle"."firstFailureAt" END`;
      if (limit === null) continue; // the account is slowed down, never locked
      await this.prisma.$executeRaw`
        UPDATE "LoginThrottle" SET "lockedUntil" = now() + ${`${this.config.LOGIN_LOCK_SECONDS} seconds`}::interval,
          failures = 0, "firstFailureAt" = now()
        WHERE key = ${key} AND failures >= ${limit}`;
    }
  }

  /** The right password clears the pair and the account's slow-down (the address keeps its count). */
  async succeed(email: string, ip: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { key: { in: [pairKey(email, ip), accountKey(email)] } } });
  }
}
