// The caller's own account: logins (sessions), sign-in history and personal API tokens, and the sign-in methods the
// server offers. Managing tokens and sessions needs a login: an API token cannot do it.
import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateApiTokenBody, SignInsQuery } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, ApiQueryFrom, IdParam, ValidBody, ValidQuery } from '../../base/http/validation.js';
import { ApiTokens } from './api-tokens.js';
import { AuthService } from './auth.service.js';
import { type Actor, CurrentUser, Public, SessionOnly } from './current-user.js';
import { SignInHistory } from './sign-ins.js';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthProvidersController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Get('providers')
  @ApiOperation({ summary: 'How people may sign in to this server' })
  providers() {
    return this.auth.providers();
  }
}

@ApiTags('users')
@ApiBearerAuth()
@SessionOnly()
@Controller('api/v1/me/sessions')
export class SessionsController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in devices and browsers of the caller' })
  list(@CurrentUser() actor: Actor) {
    return this.auth.listSessions(actor);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out everywhere else: ends every login of the caller but this one' })
  async endOthers(@CurrentUser() actor: Actor) {
    await this.auth.endOtherSessions(actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends one login of the caller' })
  async end(@CurrentUser() actor: Actor, @IdParam('id', 'Session') id: string) {
    await this.auth.endSession(actor, id);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@SessionOnly()
@Controller('api/v1/me/sign-ins')
export class SignInsController {
  constructor(private readonly history: SignInHistory) {}

  @Get()
  @ApiQueryFrom(SignInsQuery)
  @ApiOperation({ summary: "The caller's recent sign-ins (password or SSO), newest first, ended ones included" })
  list(@CurrentUser() actor: Actor, @ValidQuery(SignInsQuery) q: z.infer<typeof SignInsQuery>) {
    return this.history.list(actor, q.limit);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@SessionOnly()
@Controller('api/v1/me/tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokens) {}

  @Post()
  @ApiJsonBody(CreateApiTokenBody)
  @ApiOperation({ summary: 'Creates a personal API token; the token is in this answer only' })
  create(@CurrentUser() actor: Actor, @ValidBody(CreateApiTokenBody) body: z.infer<typeof CreateApiTokenBody>) {
    return this.tokens.create(actor.id, body);
  }

  @Get()
  list(@CurrentUser() actor: Actor) {
    return this.tokens.list(actor.id);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentUser() actor: Actor, @IdParam('id', 'API token') id: string) {
    await this.tokens.revoke(actor.id, id);
  }
}
