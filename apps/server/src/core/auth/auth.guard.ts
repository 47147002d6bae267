// Global guard: every route needs a valid access token of a live session, or a live personal API
// token, unless marked @Public().
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { API_TOKEN_PREFIX } from '@tandem/protocol';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../base/errors/app-error.js';
import { requestContext } from '../../base/logger/logger.js';
import { ApiTokens } from './api-tokens.js';
import { type Actor, IS_PUBLIC, SESSION_ONLY } from './current-user.js';
import { SessionRegistry } from './sessions.js';
import { TOKEN_SIGNER, type TokenSigner } from './tokens.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_SIGNER) private readonly tokens: TokenSigner,
    private readonly sessions: SessionRegistry,
    private readonly apiTokens: ApiTokens,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const header = req.headers.authorization;
    if (!header) throw AppError.unauthenticated();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw AppError.unauthenticated('Malformed Authorization header');
    const presented = match[1]!;
    if (presented.startsWith(API_TOKEN_PREFIX)) return this.acceptApiToken(ctx, req, presented);
    const claims = this.tokens.verify('access', presented);
    if (!(await this.sessions.isActive(claims.sid))) throw AppError.unauthenticated('Session revoked');
    req.actor = { id: claims.sub, sessionId: claims.sid };
    const store = requestContext.getStore();
    if (store) store.userId = claims.sub;
    return true;
  }

  /** A personal API token acts as its owner (the policy decides as for them), narrowed by its scope. */
  private async acceptApiToken(ctx: ExecutionContext, req: FastifyRequest & { actor?: Actor }, presented: string) {
    const holder = await this.apiTokens.authenticate(presented);
    if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, [ctx.getHandler(), ctx.getClass()])) {
      throw AppError.forbidden('API tokens cannot manage tokens, sessions or the password; sign in instead');
    }
    if (holder.scope === 'read' && !READ_METHODS.has(req.method)) throw AppError.forbidden('This API token may only read');
    req.actor = { id: holder.userId, sessionId: holder.tokenId, apiToken: { id: holder.tokenId, scope: holder.scope } };
    const store = requestContext.getStore();
    if (store) store.userId = holder.userId;
    return true;
  }
}
