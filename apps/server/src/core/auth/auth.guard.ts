// Global guard: every route needs a valid access token of a live session unless marked @Public().
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../base/errors/app-error.js';
import { requestContext } from '../../base/logger/logger.js';
import { type Actor, IS_PUBLIC } from './current-user.js';
import { SessionRegistry } from './sessions.js';
import { TOKEN_SIGNER, type TokenSigner } from './tokens.js';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_SIGNER) private readonly tokens: TokenSigner,
    private readonly sessions: SessionRegistry,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const header = req.headers.authorization;
    if (!header) throw AppError.unauthenticated();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw AppError.unauthenticated('Malformed Authorization header');
    const claims = this.tokens.verify('access', match[1]!);
    if (!(await this.sessions.isActive(claims.sid))) throw AppError.unauthenticated('Session revoked');
    req.actor = { id: claims.sub, sessionId: claims.sid };
    const store = requestContext.getStore();
    if (store) store.userId = claims.sub;
    return true;
  }
}
