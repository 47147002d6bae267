// The identity provider as Tandem sees it: its metadata, found by discovery the first time single
// sign-on is used (never at start-up: the provider may be down while Tandem starts) and kept; the
// authorization request; and the redemption of its answer into verified claims. Checking the state,
// nonce, PKCE verifier, ID token signature (and fetching rotated signing keys) is the library's job.
import { Inject, Injectable } from '@nestjs/common';
import type { ErrorCode } from '@tandem/protocol';
import { SsoErrorMessages, type SsoErrorReason } from '@tandem/protocol';
import * as oidc from 'openid-client';
import { CONFIG, type Config } from '../../../base/config/config.js';
import { AppError } from '../../../base/errors/app-error.js';
import { logger } from '../../../base/logger/logger.js';

const log = logger('sso');
const SCOPE = 'openid email profile';

/** The refusal the sign-in screen shows as `?sso_error=<reason>`. */
export function ssoRefusal(reason: SsoErrorReason, code: ErrorCode = 'forbidden', message: string = SsoErrorMessages[reason]) {
  return new AppError(code, message, { reason });
}

/** What the identity provider vouches for about the person signing in. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** The request never got a usable answer (refused connection, DNS, timeout). */
function isUnreachable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  if (
    typeof e.code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR_)/.test(e.code)
  ) {
    return true;
  }
  if (e.message === 'fetch failed') return true;
  return isUnreachable(e.cause, depth + 1);
}

@Injectable()
export class OidcIssuer {
  private discovered: Promise<oidc.Configuration> | null = null;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  get configured(): boolean {
    return this.config.oidc !== null;
  }

  /** The OIDC_* settings; "not configured" when single sign-on is off. */
  get settings(): NonNullable<Config['oidc']> {
    if (!this.config.oidc) throw ssoRefusal('not_configured', 'not_found');
    return this.config.oidc;
  }

  /** The authorization request for one attempt (discovers the issuer first if needed). */
  async authorizationUrl(checks: { state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const config = await this.configuration();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: SCOPE,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Checks the issuer's answer (`callbackQuery`, the raw query string of the callback) against the
   * attempt, redeems the code and returns the verified claims. The address comes from the ID token,
   * or from the userinfo endpoint when the ID token does not carry it.
   */
  async redeem(callbackQuery: string, checks: { state: string; nonce: string; codeVerifier: string }): Promise<VerifiedIdentity> {
    const config = await this.configuration();
    const callbackUrl = new URL(this.settings.redirectUri);
    callbackUrl.search = callbackQuery;
    const tokens = await this.ask('redeem the authorization code', () =>
      oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      }),
    );
    const claims = tokens.claims();
    if (!claims) throw ssoRefusal('invalid_response');
    let { email, email_verified: emailVerified, name, preferred_username: username } = claims;
    if (email === undefined || emailVerified === undefined) {
      const info = await this.ask('read userinfo', () => oidc.fetchUserInfo(config, tokens.access_token, claims.sub));
      email ??= info.email;
      emailVerified ??= info.email_verified;
      name ??= info.name;
      username ??= info.preferred_username;
    }
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email: typeof email === 'string' && email.includes('@') ? email.trim().toLowerCase() : null,
      // Some providers send the string "true"; anything else is not a confirmation.
      emailVerified: emailVerified === true || emailVerified === 'true',
      name:
        typeof name === 'string' && name.trim() ? name.trim() : typeof username === 'string' && username.trim() ? username.trim() : null,
    };
  }

  /** Discovery once, shared by concurrent callers; a failure is forgotten so the next attempt retries. */
  private configuration(): Promise<oidc.Configuration> {
    const settings = this.settings;
    this.discovered ??= this.ask('discover the issuer', () =>
      oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        timeout: this.config.OIDC_TIMEOUT_MS / 1000,
        // Plain http is allowed only for an issuer on this machine (checked by the config loader).
        execute: settings.allowHttp ? [oidc.allowInsecureRequests] : [],
      }),
    ).catch((err) => {
      this.discovered = null;
      throw err;
    });
    return this.discovered;
  }

  /** Runs one exchange with the issuer; its failures become refusals the sign-in screen can explain. */
  private async ask<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof AppError) throw err;
      const detail = { err: (err as Error)?.message, code: (err as { code?: unknown })?.code, issuer: this.settings.issuer };
      if (isUnreachable(err) || what === 'discover the issuer') {
        log.warn(detail, `single sign-on: could not ${what}`);
        throw ssoRefusal('issuer_unreachable', 'unavailable');
      }
      log.warn(detail, `single sign-on: the issuer's answer was refused (${what})`);
      throw ssoRefusal('invalid_response', 'unauthenticated');
    }
  }
}
