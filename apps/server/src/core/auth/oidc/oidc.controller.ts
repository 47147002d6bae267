// The browser-facing steps of single sign-on. `start` and `callback` are page navigations, so
// every outcome is a redirect: to the issuer, to the web client with a one-time code, or to the
// sign-in screen with `?sso_error=<reason>`. `exchange` is the JSON call that turns the code into a login.
import { Controller, Get, HttpCode, Inject, Post, Redirect, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OidcExchangeBody, type SsoErrorReason } from '@tandem/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CONFIG, type Config } from '../../../base/config/config.js';
import { AppError } from '../../../base/errors/app-error.js';
import { ApiJsonBody, ValidBody } from '../../../base/http/validation.js';
import { logger } from '../../../base/logger/logger.js';
import { Public } from '../current-user.js';
import { ATTEMPT_TTL_MS, OidcSignIn } from './oidc-sign-in.js';

const log = logger('sso');
/** Binds an attempt to the browser that started it (see OidcSignIn). */
const COOKIE = 'tandem_sso';
const COOKIE_PATH = '/api/v1/auth/oidc';

function cookieOf(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

@ApiTags('auth')
@Controller('api/v1/auth/oidc')
export class OidcController {
  constructor(
    private readonly sso: OidcSignIn,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Public()
  @Get('start')
  @Redirect()
  @ApiOperation({ summary: 'Single sign-on: sends the browser to the identity provider (302)' })
  async start(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      const { url, browserSecret } = await this.sso.start();
      reply.header('set-cookie', this.cookie(browserSecret, ATTEMPT_TTL_MS / 1000));
      return { url, statusCode: 302 };
    } catch (err) {
      return this.refused(err);
    }
  }

  @Public()
  @Get('callback')
  @Redirect()
  @ApiOperation({ summary: "Single sign-on: the identity provider's answer; redirects to the web client with a one-time code" })
  async callback(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const secret = cookieOf(req);
    // The attempt is spent whatever happens next.
    reply.header('set-cookie', this.cookie('', 0));
    try {
      const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      const code = await this.sso.callback(req.query as Record<string, unknown>, rawQuery, secret);
      return { url: `${this.webBase()}/sign-in/sso?code=${encodeURIComponent(code)}`, statusCode: 302 };
    } catch (err) {
      return this.refused(err);
    }
  }

  @Public()
  @Post('exchange')
  @HttpCode(200)
  @ApiJsonBody(OidcExchangeBody)
  @ApiOperation({ summary: 'Single sign-on: turns the one-time code into tokens (the same answer as login)' })
  exchange(@ValidBody(OidcExchangeBody) body: z.infer<typeof OidcExchangeBody>, @Req() req: FastifyRequest) {
    return this.sso.exchange(body.code, { ip: req.ip, userAgent: req.headers['user-agent'] });
  }

  /** The sign-in screen with the reason; unexpected failures are logged and get the general one. */
  private refused(err: unknown) {
    const reason = err instanceof AppError ? (err.details as { reason?: SsoErrorReason } | undefined)?.reason : undefined;
    if (!reason) log.error({ err }, 'single sign-on failed');
    return { url: `${this.webBase()}/sign-in?sso_error=${reason ?? 'failed'}`, statusCode: 302 };
  }

  /** Where the web client is: TANDEM_PUBLIC_URL (required with single sign-on), else this origin. */
  private webBase(): string {
    return (this.config.TANDEM_PUBLIC_URL ?? '').replace(/\/+$/, '');
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    const secure = this.config.TANDEM_PUBLIC_URL?.startsWith('https:') ? '; Secure' : '';
    // Lax: sent on the provider's top-level redirect back to the callback, never on cross-site subrequests.
    return `${COOKIE}=${value}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
  }
}
