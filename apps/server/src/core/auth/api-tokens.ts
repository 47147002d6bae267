// Personal API tokens (`tdm_…`): stored only as SHA-256 hashes (they are 256-bit random, so a slow
// hash buys nothing), checked by the same guard as access tokens. Each node caches lookups briefly;
// a revocation travels as the same bus message that revokes a login, so every node refuses the
// token from then on. When an admin command ends every sign-in of a user (`user.revoked`), each node
// forgets what it cached about that user's tokens and asks the database again.
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { API_TOKEN_PREFIX, type ApiTokenScope, type ApiTokenView, type CreatedApiToken } from '@tandem/protocol';
import { BUS, type Bus } from '../../base/bus/bus.js';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { SessionRegistry } from './sessions.js';

const CACHE_MS = 30_000;
/** lastUsedAt is written at most this often per token: a busy script must not write on every call. */
const LAST_USED_EVERY_MS = 60_000;
const MAX_TOKENS_PER_USER = 100;

export interface TokenHolder {
  tokenId: string;
  userId: string;
  scope: ApiTokenScope;
}

interface Cached extends TokenHolder {
  expiresAt: number | null;
  active: boolean;
  at: number;
  lastUsedWrite: number;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

function view(t: { id: string; name: string; scope: ApiTokenScope; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null }) {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
  } satisfies ApiTokenView;
}

@Injectable()
export class ApiTokens implements OnModuleInit {
  /** By token hash. */
  private readonly cache = new Map<string, Cached>();
  private readonly revoked = new Set<string>();
  /** Bumped per user on `user.revoked`, so a lookup that raced it is asked again. */
  private forgets = 0;
  private readonly forgottenAt = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionRegistry,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  onModuleInit() {
    this.sessions.onChange((change) => {
      if (change.kind === 'session.revoked') this.forget(change.sessionIds);
      if (change.kind === 'user.revoked') this.forgetUser(change.userId);
    });
    // Messages may have been lost while the bus was away: ask the database again.
    this.bus.onResync(() => this.cache.clear());
  }

  async create(userId: string, body: { name: string; scope: ApiTokenScope; expiresAt?: string | null }): Promise<CreatedApiToken> {
    const live = await this.prisma.apiToken.count({ where: { userId, revokedAt: null } });
    if (live >= MAX_TOKENS_PER_USER) throw AppError.conflict(`At most ${MAX_TOKENS_PER_USER} API tokens per person; revoke one first`);
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.prisma.apiToken.create({
      data: {
        userId,
        name: body.name,
        scope: body.scope,
        tokenHash: hashOf(token),
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      },
    });
    return { id: row.id, name: row.name, scope: row.scope, expiresAt: row.expiresAt?.toISOString() ?? null, token };
  }

  async list(userId: string): Promise<{ items: ApiTokenView[] }> {
    const rows = await this.prisma.apiToken.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: 'desc' } });
    return { items: rows.map(view) };
  }

  async revoke(userId: string, id: string): Promise<void> {
    const done = await this.prisma.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (done.count !== 1) throw AppError.notFound('API token');
    this.forget([id]);
    await this.sessions.announce({ kind: 'session.revoked', sessionIds: [id], userId });
  }

  /** The holder of a presented token; 401 when unknown, revoked or expired. */
  async authenticate(token: string): Promise<TokenHolder> {
    if (token.length > 200) throw AppError.unauthenticated('Invalid API token');
    const hash = hashOf(token);
    const now = Date.now();
    let hit = this.cache.get(hash);
    if (!hit || (hit.active && now - hit.at >= CACHE_MS)) {
      const asked = this.forgets;
      const row = await this.prisma.apiToken.findUnique({ where: { tokenHash: hash } });
      if (row && (this.forgottenAt.get(row.userId) ?? 0) > asked) return this.authenticate(token);
      if (this.cache.size > 50_000) this.cache.clear();
      hit = row
        ? {
            tokenId: row.id,
            userId: row.userId,
            scope: row.scope,
            expiresAt: row.expiresAt?.getTime() ?? null,
            active: !row.revokedAt && !this.revoked.has(row.id),
            at: now,
            lastUsedWrite: hit?.lastUsedWrite ?? 0,
          }
        : { tokenId: '', userId: '', scope: 'read', expiresAt: null, active: false, at: now, lastUsedWrite: 0 };
      this.cache.set(hash, hit);
    }
    if (!hit.active) throw AppError.unauthenticated('API token revoked or unknown');
    if (hit.expiresAt !== null && hit.expiresAt <= now) throw AppError.unauthenticated('API token expired');
    if (now - hit.lastUsedWrite >= LAST_USED_EVERY_MS) {
      hit.lastUsedWrite = now;
      void this.prisma.apiToken.update({ where: { id: hit.tokenId }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
    }
    return { tokenId: hit.tokenId, userId: hit.userId, scope: hit.scope };
  }

  private forgetUser(userId: string) {
    if (this.forgottenAt.size > 10_000) this.forgottenAt.clear();
    this.forgottenAt.set(userId, ++this.forgets);
    for (const [hash, entry] of this.cache) if (entry.userId === userId) this.cache.delete(hash);
  }

  private forget(ids: string[]) {
    const set = new Set(ids);
    for (const id of ids) this.revoked.add(id);
    if (this.revoked.size > 100_000) this.revoked.clear();
    for (const entry of this.cache.values()) if (set.has(entry.tokenId)) entry.active = false;
  }
}
