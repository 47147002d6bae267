// The caller's sign-in history: every login that began (by password or SSO), newest first, with
// where it came from and whether it is still going. Read from the session rows themselves, which
// AuthService writes at each sign-in; ended logins stay listed until the credentials clean-up drops
// them a week after they ended.
import { Injectable } from '@nestjs/common';
import type { Page, SignInMethod, SignInView } from '@tandem/protocol';
import { PrismaClient } from '../../base/database/database.js';
import type { Actor } from './current-user.js';

@Injectable()
export class SignInHistory {
  constructor(private readonly prisma: PrismaClient) {}

  async list(actor: Actor, limit: number): Promise<Page<SignInView>> {
    const rows = await this.prisma.session.findMany({
      where: { userId: actor.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    const now = Date.now();
    return {
      items: rows.map((s) => {
        const expired = s.expiresAt.getTime() <= now;
        return {
          id: s.id,
          method: s.method as SignInMethod,
          ip: s.ip,
          userAgent: s.userAgent,
          createdAt: s.createdAt.toISOString(),
          current: s.id === actor.sessionId,
          active: !s.revokedAt && !expired,
          endedAt: (s.revokedAt ?? (expired ? s.expiresAt : null))?.toISOString() ?? null,
        };
      }),
      nextCursor: null,
    };
  }
}
