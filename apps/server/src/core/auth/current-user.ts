import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

/** The authenticated caller, set by AuthGuard from a verified access token. */
export interface Actor {
  id: string;
  sessionId: string;
}

export const IS_PUBLIC = 'tandem:public';
/** Marks a route that needs no access token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
