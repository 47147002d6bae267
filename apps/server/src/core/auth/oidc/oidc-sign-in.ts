// Single sign-on through an OpenID Connect issuer, in three steps:
//  start:    a sign-in attempt (state, nonce, PKCE verifier) kept in the database, so whichever node
//            receives the callback can finish it, and bound to the browser by an httpOnly cookie;
//  callback: spends the attempt, has the issuer's answer verified, finds the user by the linked
//            identity (issuer, subject), else by the verified email, else creates the account; and
//            hands the web client a one-time code (tokens never travel in a URL);
//  exchange: spends the code and issues the login through AuthService.startSession, the same path
//            a password sign-in takes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AuthResult } from '@tandem/protocol';
import bcrypt from 'bcrypt';
import * as oidc from 'openid-client';
import { CONFIG, type Config } from '../../../base/config/config.js';
import { PrismaClient, type User } from '../../../base/database/database.js';
import { AppError } from '../../../base/errors/app-error.js';
import { logger } from '../../../base/logger/logger.js';
import { InvitationsService } from '../../invitations/invitations.service.js';
import { AuthService, type ClientInfo } from '../auth.service.js';
import { OidcIssuer, ssoRefusal, type VerifiedIdentity } from './oidc-issuer.js';

const log = logger('sso');
/** Time to sign in at the identity provider (a password, a second factor) before the attempt lapses. */
export const ATTEMPT_TTL_MS = 10 * 60_000;
/** The web client spends the code at once; a minute covers a slow page load. */
const CODE_TTL_MS = 60_000;
const NAME_MAX = 100;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const isMissing = (err: unknown) => (err as { code?: string })?.code === 'P2025';

@Injectable()
export class OidcSignIn {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(CONFIG) private readonly config: Config,
    private readonly issuer: OidcIssuer,
    private readonly auth: AuthService,
    private readonly invitations: InvitationsService,
  ) {}

  /** A new attempt: where to send the browser, and the secret its cookie must carry back. */
  async start(): Promise<{ url: string; browserSecret: string }> {
    const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    // Discovery happens here: an unreachable issuer refuses before anything is stored.
    const url = await this.issuer.authorizationUrl(checks);
    const browserSecret = randomBytes(32).toString('base64url');
    await this.prisma.oidcAttempt.create({
      data: {
        stateHash: sha256(checks.state),
        browserHash: sha256(browserSecret),
        codeVerifier: checks.codeVerifier,
        nonce: checks.nonce,
        expiresAt: new Date(Date.now() + ATTEMPT_TTL_MS),
      },
    });
    return { url: url.href, browserSecret };
  }

  /** Finishes an attempt; returns the one-time code for the web client. */
  async callback(query: Record<string, unknown>, rawQuery: string, browserSecret: string | undefined): Promise<string> {
    if (!this.issuer.configured) throw ssoRefusal('not_configured', 'not_found');
    const state = typeof query.state === 'string' ? query.state : '';
    // Spent before anything else: a replayed or forged callback finds no attempt.
    const attempt = state ? await this.prisma.oidcAttempt.delete({ where: { stateHash: sha256(state) } }).catch(nullIfMissing) : null;
    if (!attempt || attempt.expiresAt.getTime() <= Date.now() || !browserSecret || !sameHash(sha256(browserSecret), attempt.browserHash)) {
      throw ssoRefusal('invalid_state', 'unauthenticated');
    }
    if (typeof query.error === 'string') {
      log.info({ error: query.error, description: query.error_description }, 'single sign-on: the issuer did not sign the person in');
      throw ssoRefusal('denied', 'unauthenticated');
    }
    const identity = await this.issuer.redeem(rawQuery, { state, nonce: attempt.nonce, codeVerifier: attempt.codeVerifier });
    if (!identity.email) throw ssoRefusal('no_email');
    if (!identity.emailVerified) throw ssoRefusal('email_unverified');
    const user = await this.userFor(identity as VerifiedIdentity & { email: string });
    // Pending invitations to this (now proven) address take effect, as on a password sign-in.
    await this.invitations.joinAllFor(user);
    const code = randomBytes(32).toString('base64url');
    await this.prisma.oidcLoginCode.create({
      data: { codeHash: sha256(code), userId: user.id, expiresAt: new Date(Date.now() + CODE_TTL_MS) },
    });
    return code;
  }

  /** Turns a one-time code into a login (the same answer as a password sign-in). */
  async exchange(code: string, client: ClientInfo): Promise<AuthResult> {
    const row = await this.prisma.oidcLoginCode.delete({ where: { codeHash: sha256(code) }, include: { user: true } }).catch(nullIfMissing);
    if (!row || row.expiresAt.getTime() <= Date.now()) {
      throw AppError.unauthenticated('This single sign-on code is invalid, expired or already used. Sign in again.');
    }
    return this.auth.startSession(row.user, client, 'sso');
  }

  /** The user behind a verified identity: linked before, found by address, or new. */
  private async userFor(identity: VerifiedIdentity & { email: string }, retry = true): Promise<User> {
    const { issuer, subject, email } = identity;
    const linked = await this.prisma.userIdentity.findUnique({ where: { issuer_subject: { issuer, subject } }, include: { user: true } });
    if (linked) {
      await this.prisma.userIdentity.update({ where: { id: linked.id }, data: { email, lastLoginAt: new Date() } });
      return linked.user;
    }
    const existing = await this.prisma.user.findUnique({ where: { email }, include: { identities: { where: { issuer } } } });
    try {
      if (existing) {
        // The address may have passed to someone else at the provider: never hand them the account.
        if (existing.identities.length > 0) throw ssoRefusal('account_conflict');
        return await this.link(existing, identity);
      }
      return await this.auth.createAccount(
        { email, displayName: displayNameOf(identity), passwordHash: await this.unusablePassword(), emailVerifiedAt: new Date() },
        (address) => this.auth.ssoSignupRefusal(address),
        (tx, user) => tx.userIdentity.create({ data: { userId: user.id, issuer, subject, email } }),
      );
    } catch (err) {
      // A second callback of the same person raced this one and created the account or link first.
      if (retry && err instanceof AppError && err.code === 'conflict') return this.userFor(identity, false);
      if (retry && (err as { code?: string })?.code === 'P2002') return this.userFor(identity, false);
      if (err instanceof AppError && err.code === 'forbidden' && !(err.details as { reason?: string })?.reason) {
        throw ssoRefusal('signup_refused', 'forbidden', err.message);
      }
      throw err;
    }
  }

  /**
   * Links an existing account to the identity. An account whose address was never confirmed loses
   * its password and its logins: the provider just proved who owns the address, and whoever chose
   * that password had not (someone may have registered a colleague's address in advance).
   */
  private async link(user: User, identity: VerifiedIdentity & { email: string }): Promise<User> {
    const claimed = !user.emailVerifiedAt;
    const passwordHash = claimed ? await this.unusablePassword() : null;
    const updated = await this.prisma.$transaction(async (tx) => {
      await tx.userIdentity.create({
        data: { userId: user.id, issuer: identity.issuer, subject: identity.subject, email: identity.email },
      });
      if (!passwordHash) return user;
      return tx.user.update({
        where: { id: user.id },
        data: { emailVerifiedAt: new Date(), passwordHash, passwordChangedAt: new Date() },
      });
    });
    if (claimed) {
      log.info({ userId: user.id }, 'single sign-on claimed an unconfirmed account: its password and logins ended');
      await this.auth.revokeAllExcept(user.id, null, 'sso_claimed_address');
    }
    return updated;
  }

  /** A password nobody knows: the account signs in through the provider (or after a reset). */
  private unusablePassword(): Promise<string> {
    return bcrypt.hash(randomBytes(32).toString('hex'), this.config.BCRYPT_ROUNDS);
  }
}

function nullIfMissing(err: unknown): null {
  if (isMissing(err)) return null;
  throw err;
}

function displayNameOf(identity: VerifiedIdentity & { email: string }): string {
  const name = identity.name ?? identity.email.split('@')[0] ?? identity.email;
  return name.slice(0, NAME_MAX);
}
