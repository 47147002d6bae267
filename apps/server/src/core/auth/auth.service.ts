// Register, login, refresh rotation with reuse detection, logout, password change and reset, email
// verification, socket authentication.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AuthProviders, AuthResult, SessionView, SignInMethod, SignupPolicyView, UserView } from '@tandem/protocol';
import bcrypt from 'bcrypt';
import { CONFIG, type Config } from '../../base/config/config.js';
import { type Prisma, PrismaClient, type User } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { logger } from '../../base/logger/logger.js';
import { Mailer } from '../../base/mail/mailer.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import type { Actor } from './current-user.js';
import { LoginThrottle } from './login-throttle.js';
import { SessionRegistry } from './sessions.js';
import { TOKEN_SIGNER, type TokenSigner } from './tokens.js';

const log = logger('auth');
const SOCKET_TICKET_TTL_S = 30;
const EMAIL_TOKEN_TTL_MS = { verify_email: 48 * 3600_000, reset_password: 3600_000 } as const;
const DISABLED = 'This account is disabled. Ask the administrator of this Tandem server.';

/** What proved who the person signing in is. */

export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function userView(u: { id: string; email: string; displayName: string; emailVerifiedAt?: Date | null }): UserView {
  return { id: u.id, email: u.email, displayName: u.displayName, emailVerified: !!u.emailVerifiedAt };
}

@Injectable()
export class AuthService {
  /** Compared against when the email is unknown, so both answers cost the same. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly prisma: PrismaClient,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(TOKEN_SIGNER) private readonly tokens: TokenSigner,
    private readonly sessions: SessionRegistry,
    private readonly throttle: LoginThrottle,
    private readonly mailer: Mailer,
    private readonly invitations: InvitationsService,
  ) {
    this.dummyHash = bcrypt.hash(randomBytes(16).toString('hex'), config.BCRYPT_ROUNDS);
  }

  async signupPolicy(): Promise<SignupPolicyView> {
    const anyone = await this.prisma.user.findFirst({ select: { id: true } });
    return { policy: this.config.TANDEM_SIGNUP, domains: this.config.TANDEM_SIGNUP_DOMAINS, firstUser: !anyone };
  }

  /** Why `email` may not sign up here (with `invited` telling whether a valid invitation came along), or null. */
  private signupRefusal(email: string, invited: boolean): string | null {
    const policy = this.config.TANDEM_SIGNUP;
    if (policy === 'open' || invited) return null;
    if (policy === 'domains') {
      const domains = this.config.TANDEM_SIGNUP_DOMAINS;
      if (domains.includes(email.split('@')[1] ?? '')) return null;
      return `Sign-up here is for addresses at ${domains.join(', ')}, or with an invitation.`;
    }
    return 'Sign-up on this server needs an invitation. Ask a workspace owner for an invite link.';
  }

  private refusePasswordWhenOff() {
    if (this.config.TANDEM_PASSWORD_LOGIN) return;
    const sso = this.config.oidc ? ` Use "Sign in with ${this.config.oidc.name}" instead.` : '';
    throw AppError.forbidden(`Password sign-in is turned off on this server.${sso}`);
  }

  async register(
    body: { email: string; password: string; displayName: string; invitation?: string },
    client: ClientInfo,
  ): Promise<AuthResult> {
    this.refusePasswordWhenOff();
    const invitation = body.invitation ? await this.invitations.findByToken(body.invitation) : null;
    if (body.invitation && !invitation)
      throw AppError.forbidden('This invitation is no longer valid: it expired, was revoked or was used up.');
    if (invitation?.email && invitation.email !== body.email) {
      throw AppError.forbidden(`This invitation is for ${invitation.email}. Sign up with that address.`);
    }
    const user = await this.createAccount(
      {
        email: body.email,
        displayName: body.displayName,
        passwordHash: await bcrypt.hash(body.password, this.config.BCRYPT_ROUNDS),
        // The invitation was mailed to this address: following it proves the address.
        emailVerifiedAt: invitation?.email === body.email ? new Date() : null,
      },
      (email) => this.signupRefusal(email, !!invitation),
    ).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'conflict') this.inBackground(this.tellOwnerOfSignupAttempt(body.email));
      throw err;
    });
    if (invitation) await this.invitations.join(user.id, invitation);
    // Mail goes out off the request path: its time must not tell anything about the address.
    if (this.mailer.enabled && !user.emailVerifiedAt) this.inBackground(this.sendEmailToken(user.id, user.email, 'verify_email'));
    return this.startSession(user, client, 'password');
  }

  /**
   * The register contract answers 409 for a taken address (docs/security.md says what that tells);
   * its owner at least learns that someone tried.
   */
  private async tellOwnerOfSignupAttempt(email: string) {
    if (!this.mailer.enabled) return;
    const owner = await this.prisma.user.findUnique({ where: { email }, select: { email: true, disabledAt: true } });
    if (!owner || owner.disabledAt) return;
    const base = this.config.TANDEM_PUBLIC_URL ?? `http://localhost:${this.config.PORT}`;
    await this.mailer.send({
      to: owner.email,
      subject: 'Someone tried to sign up to Tandem with your address',
      text: `Someone tried to create a new Tandem account with ${owner.email}, which already has one.\nIf it was you, sign in at ${base} instead ("Forgot password?" there sends a reset link).\nOtherwise ignore this mail: nothing changed.\n`,
    });
  }

  /** Runs work the requester must not wait for (nor time); a failure is logged. */
  private inBackground(work: Promise<unknown>) {
    work.catch((err: unknown) => log.error({ err }, 'background auth work failed'));
  }

  /**
   * Creates an account unless `refusal` names a reason (asked for everyone but the very first
   * account of a server, which administers it). 403 when refused, 409 when the email is taken.
   */
  async createAccount(
    data: { email: string; displayName: string; passwordHash: string; emailVerifiedAt: Date | null },
    refusal: (email: string) => string | null,
    afterCreate?: (tx: Prisma.TransactionClient, user: User) => Promise<unknown>,
  ): Promise<User> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        // One at a time while deciding who is first: the first account administers the server.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('tandem.first_user'))`;
        const first = !(await tx.user.findFirst({ select: { id: true } }));
        const refused = first ? null : refusal(data.email);
        if (refused) throw AppError.forbidden(refused);
        const user = await tx.user.create({ data: { ...data, serverAdmin: first } });
        await afterCreate?.(tx, user);
        return user;
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw AppError.conflict('An account with this email already exists');
      throw err;
    }
  }

  /** Why a person proven (by the identity provider) to own `email` may not get an account here, or null. */
  ssoSignupRefusal(email: string): string | null {
    // The identity provider decides who may sign in; an allow-list of domains still applies.
    return this.config.TANDEM_SIGNUP === 'domains' ? this.signupRefusal(email, false) : null;
  }

  async login(body: { email: string; password: string }, client: ClientInfo): Promise<AuthResult> {
    this.refusePasswordWhenOff();
    const email = body.email.trim().toLowerCase();
    await this.throttle.check(email, client.ip);
    const user = await this.prisma.user.findUnique({ where: { email } });
    const ok = await bcrypt.compare(body.password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !ok) {
      await this.throttle.fail(email, client.ip);
      throw AppError.unauthenticated('Wrong email or password');
    }
    await this.throttle.succeed(email, client.ip);
    if (user.disabledAt) throw AppError.unauthenticated(DISABLED);
    await this.invitations.joinAllFor(user);
    return this.startSession(user, client, 'password');
  }

  /**
   * The one place a login begins, whatever proved who the person is: a password (register, login)
   * or the identity provider (single sign-on). The session row is also the sign-in record the
   * account page lists (`GET /me/sign-ins`), so every sign-in method names itself here.
   */
  async startSession(
    user: { id: string; email: string; displayName: string; emailVerifiedAt: Date | null },
    client: ClientInfo,
    method: SignInMethod,
  ): Promise<AuthResult> {
    const jti = randomUUID();
    const session = await this.prisma.$transaction(async (tx) => {
      // Share-locks the user row: an admin disabling this user at the same moment either waits for
      // this login (and then revokes it) or has committed first (and this login is refused).
      const [row] = await tx.$queryRaw<{ disabledAt: Date | null }[]>`
        SELECT "disabledAt" FROM "User" WHERE id = ${user.id}::uuid FOR SHARE`;
      if (!row || row.disabledAt) throw AppError.unauthenticated(DISABLED);
      return tx.session.create({
        data: {
          userId: user.id,
          currentJti: jti,
          ip: client.ip,
          userAgent: client.userAgent?.slice(0, 500),
          method,
          expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000),
        },
      });
    });
    return { user: userView(user), ...this.issue(user.id, session.id, jti) };
  }

  private issue(userId: string, sessionId: string, refreshJti: string) {
    return {
      accessToken: this.tokens.sign('access', userId, sessionId, this.config.ACCESS_TOKEN_TTL_SECONDS),
      refreshToken: this.tokens.sign('refresh', userId, sessionId, this.config.REFRESH_TOKEN_TTL_DAYS * 86_400, refreshJti),
    };
  }

  async refresh(refreshToken: string): Promise<AuthResult> {
    const claims = this.tokens.verify('refresh', refreshToken);
    const session = await this.prisma.session.findUnique({ where: { id: claims.sid }, include: { user: true } });
    if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) throw AppError.unauthenticated('Session ended');
    const next = randomUUID();
    // Compare-and-set: only the current refresh token may rotate; a spent one (or a race) ends the family.
    const rotated = await this.prisma.session.updateMany({
      where: { id: session.id, currentJti: claims.jti, revokedAt: null },
      data: { currentJti: next, lastUsedAt: new Date() },
    });
    if (rotated.count !== 1) {
      log.warn({ userId: session.userId, sessionId: session.id }, 'refresh token reuse detected; revoking the login');
      await this.revokeSessions(session.userId, [session.id], 'refresh_reuse');
      throw AppError.unauthenticated('Refresh token already used; please sign in again');
    }
    return { user: userView(session.user), ...this.issue(session.userId, session.id, next) };
  }

  async logout(refreshToken: string): Promise<void> {
    const claims = this.tokens.verify('refresh', refreshToken);
    await this.revokeSessions(claims.sub, [claims.sid], 'logout');
  }

  async revokeSessions(userId: string, sessionIds: string[], reason: string): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.prisma.session.updateMany({
      where: { id: { in: sessionIds }, userId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    await this.sessions.announce({ kind: 'session.revoked', sessionIds, userId });
  }

  async revokeAllExcept(userId: string, keepSessionId: string | null, reason: string) {
    const others = await this.prisma.session.findMany({
      where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
      select: { id: true },
    });
    await this.revokeSessions(
      userId,
      others.map((s) => s.id),
      reason,
    );
  }

  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: actor.id } });
    if (!(await bcrypt.compare(currentPassword, user.passwordHash))) {
      throw AppError.validation([{ field: 'currentPassword', message: 'is wrong' }], 'Current password is wrong');
    }
    await this.prisma.user.update({
      where: { id: user.id },
      data: { passwordHash: await bcrypt.hash(newPassword, this.config.BCRYPT_ROUNDS), passwordChangedAt: new Date() },
    });
    await this.revokeAllExcept(user.id, actor.sessionId, 'password_changed');
  }

  // ---- the caller's logins (account page)

  async listSessions(actor: Actor): Promise<{ items: SessionView[] }> {
    const rows = await this.prisma.session.findMany({
      where: { userId: actor.id, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { lastUsedAt: 'desc' },
      take: 200,
    });
    return {
      items: rows.map((s) => ({
        id: s.id,
        current: s.id === actor.sessionId,
        ip: s.ip,
        userAgent: s.userAgent,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
      })),
    };
  }

  /** Ends one of the caller's logins (its tokens stop working and its sockets close on every node). */
  async endSession(actor: Actor, sessionId: string): Promise<void> {
    const s = await this.prisma.session.findFirst({ where: { id: sessionId, userId: actor.id, revokedAt: null }, select: { id: true } });
    if (!s) throw AppError.notFound('Session');
    await this.revokeSessions(actor.id, [s.id], 'signed_out_remotely');
  }

  /** "Sign out everywhere": every login of the caller but the one asking. */
  async endOtherSessions(actor: Actor): Promise<void> {
    await this.revokeAllExcept(actor.id, actor.sessionId, 'signed_out_everywhere');
  }

  providers(): AuthProviders {
    const oidc = this.config.oidc;
    return { password: this.config.TANDEM_PASSWORD_LOGIN, oidc: oidc ? { name: oidc.name } : null, email: this.mailer.enabled };
  }

  async me(actor: Actor): Promise<UserView> {
    const user = await this.prisma.user.findUnique({ where: { id: actor.id } });
    if (!user) throw AppError.unauthenticated();
    return userView(user);
  }

  async updateMe(actor: Actor, displayName: string): Promise<UserView> {
    return userView(await this.prisma.user.update({ where: { id: actor.id }, data: { displayName } }));
  }

  // ---- email tokens

  private async sendEmailToken(userId: string, email: string, kind: 'verify_email' | 'reset_password') {
    const token = randomBytes(32).toString('base64url');
    await this.prisma.emailToken.create({
      data: { userId, kind, tokenHash: sha256(token), expiresAt: new Date(Date.now() + EMAIL_TOKEN_TTL_MS[kind]) },
    });
    const base = this.config.TANDEM_PUBLIC_URL ?? `http://localhost:${this.config.PORT}`;
    const link = kind === 'verify_email' ? `${base}/verify-email?token=${token}` : `${base}/reset-password?token=${token}`;
    await this.mailer.send(
      kind === 'verify_email'
        ? { to: email, subject: 'Confirm your Tandem email', text: `Confirm your email address:\n${link}\n\nToken: ${token}\n` }
        : {
            to: email,
            subject: 'Reset your Tandem password',
            text: `Someone asked to reset your Tandem password. If it was you:\n${link}\n\nToken: ${token}\n\nOtherwise ignore this mail.`,
          },
    );
  }

  private async consumeEmailToken(token: string, kind: 'verify_email' | 'reset_password') {
    const row = await this.prisma.emailToken.findUnique({ where: { tokenHash: sha256(token) } });
    if (!row || row.kind !== kind || row.usedAt || row.expiresAt.getTime() <= Date.now()) {
      throw AppError.validation([{ field: 'token', message: 'is invalid or expired' }], 'Invalid or expired token');
    }
    const used = await this.prisma.emailToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
    if (used.count !== 1) throw AppError.validation([{ field: 'token', message: 'is invalid or expired' }], 'Invalid or expired token');
    return row;
  }

  async resendVerification(actor: Actor): Promise<void> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: actor.id } });
    if (!user.emailVerifiedAt) await this.sendEmailToken(user.id, user.email, 'verify_email');
  }

  async verifyEmail(token: string): Promise<void> {
    const row = await this.consumeEmailToken(token, 'verify_email');
    const user = await this.prisma.user.update({ where: { id: row.userId }, data: { emailVerifiedAt: new Date() } });
    await this.invitations.joinAllFor(user);
  }

  /**
   * Always answers the same, whether the email is known or not, and in the same time: the token
   * and the mail are made off the request path.
   */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
    if (user && !user.disabledAt) this.inBackground(this.sendEmailToken(user.id, user.email, 'reset_password'));
  }

  async resetPassword(token: string, newPassword: string): Promise<void> {
    const row = await this.consumeEmailToken(token, 'reset_password');
    await this.prisma.user.update({
      where: { id: row.userId },
      data: { passwordHash: await bcrypt.hash(newPassword, this.config.BCRYPT_ROUNDS), passwordChangedAt: new Date() },
    });
    await this.revokeAllExcept(row.userId, null, 'password_reset');
  }

  // ---- sockets

  async socketTicket(actor: Actor): Promise<{ ticket: string; expiresIn: number }> {
    return {
      ticket: this.tokens.sign('socket', actor.id, actor.sessionId, SOCKET_TICKET_TTL_S),
      expiresIn: SOCKET_TICKET_TTL_S,
    };
  }

  /**
   * Authenticates a socket's `?token=`: an access token, or a single-use socket ticket. Returns the
   * actor; throws 401 otherwise.
   */
  async authenticateSocket(token: string): Promise<Actor> {
    let claims;
    try {
      claims = this.tokens.verify('access', token);
    } catch {
      claims = this.tokens.verify('socket', token);
      const used = await this.prisma.$executeRaw`
        INSERT INTO "SocketTicket" (jti, "userId", "sessionId", "expiresAt", "usedAt")
        VALUES (${claims.jti}, ${claims.sub}::uuid, ${claims.sid}::uuid, to_timestamp(${claims.exp}), now())
        ON CONFLICT (jti) DO NOTHING`;
      if (used !== 1) throw AppError.unauthenticated('Ticket already used');
    }
    if (!(await this.sessions.isActive(claims.sid))) throw AppError.unauthenticated('Session revoked');
    return { id: claims.sub, sessionId: claims.sid };
  }
}
