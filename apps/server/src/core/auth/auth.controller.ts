import { Controller, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  ChangePasswordBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  RequestPasswordResetBody,
  ResetPasswordBody,
  UpdateMeBody,
  VerifyEmailBody,
} from '@tandem/protocol';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiJsonBody, ValidBody } from '../../base/http/validation.js';
import { AuthService, type ClientInfo } from './auth.service.js';
import { type Actor, CurrentUser, Public, SessionOnly } from './current-user.js';

const client = (req: FastifyRequest): ClientInfo => ({ ip: req.ip, userAgent: req.headers['user-agent'] });

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @ApiJsonBody(RegisterBody)
  register(@ValidBody(RegisterBody) body: z.infer<typeof RegisterBody>, @Req() req: FastifyRequest) {
    return this.auth.register(body, client(req));
  }

  /** Who may create an account here: the sign-up screen follows it. */
  @Public()
  @Get('signup')
  signup() {
    return this.auth.signupPolicy();
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiJsonBody(LoginBody)
  login(@ValidBody(LoginBody) body: z.infer<typeof LoginBody>, @Req() req: FastifyRequest) {
    return this.auth.login(body, client(req));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiJsonBody(RefreshBody)
  refresh(@ValidBody(RefreshBody) body: z.infer<typeof RefreshBody>) {
    return this.auth.refresh(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiJsonBody(RefreshBody)
  async logout(@ValidBody(RefreshBody) body: z.infer<typeof RefreshBody>) {
    await this.auth.logout(body.refreshToken);
  }

  @ApiBearerAuth()
  @SessionOnly()
  @Post('password')
  @HttpCode(204)
  @ApiJsonBody(ChangePasswordBody)
  async changePassword(@CurrentUser() actor: Actor, @ValidBody(ChangePasswordBody) body: z.infer<typeof ChangePasswordBody>) {
    await this.auth.changePassword(actor, body.currentPassword, body.newPassword);
  }

  @Public()
  @Post('password-reset/request')
  @HttpCode(202)
  @ApiJsonBody(RequestPasswordResetBody)
  async requestReset(@ValidBody(RequestPasswordResetBody) body: z.infer<typeof RequestPasswordResetBody>) {
    await this.auth.requestPasswordReset(body.email);
    return { accepted: true };
  }

  @Public()
  @Post('password-reset')
  @HttpCode(204)
  @ApiJsonBody(ResetPasswordBody)
  async reset(@ValidBody(ResetPasswordBody) body: z.infer<typeof ResetPasswordBody>) {
    await this.auth.resetPassword(body.token, body.newPassword);
  }

  @Public()
  @Post('verify-email')
  @HttpCode(204)
  @ApiJsonBody(VerifyEmailBody)
  async verify(@ValidBody(VerifyEmailBody) body: z.infer<typeof VerifyEmailBody>) {
    await this.auth.verifyEmail(body.token);
  }

  @ApiBearerAuth()
  @SessionOnly()
  @Post('verify-email/resend')
  @HttpCode(202)
  async resend(@CurrentUser() actor: Actor) {
    await this.auth.resendVerification(actor);
    return { accepted: true };
  }

  @ApiBearerAuth()
  @SessionOnly()
  @Post('ws-ticket')
  @HttpCode(200)
  ticket(@CurrentUser() actor: Actor) {
    return this.auth.socketTicket(actor);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  me(@CurrentUser() actor: Actor) {
    return this.auth.me(actor);
  }

  @Patch()
  @ApiJsonBody(UpdateMeBody)
  update(@CurrentUser() actor: Actor, @ValidBody(UpdateMeBody) body: z.infer<typeof UpdateMeBody>) {
    return this.auth.updateMe(actor, body.displayName);
  }
}
