import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

/** The authenticated caller, set by AuthGuard from a verified access token. */
export interface Actor {
  id: string;
  /** The login (session) behind the request; for a personal API token, the token's id. */
  sessionId: string;
  /** Set when the caller authenticated with a personal API token instead of a login. */
  apiToken?: { id: string; scope: 'read' | 'write' };
}

export const IS_PUBLIC = 'tandem:public';
/** Marks a route that needs no access token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});

export const SESSION_ONLY = 'tandem:session-only';
/**
 * Marks a route that personal API tokens may not use (managing tokens, sessions or the password):
 * a stolen token must not be able to lock its owner out or mint more tokens.
 */
export const SessionOnly = () => SetMetadata(SESSION_ONLY, true);
