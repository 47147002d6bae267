// Ways into a workspace: invitations addressed to an email (or to an existing account, when an
// owner "adds" someone: they still have to say yes) and links with a role, an expiry and a number
// of uses. Joining announces the new membership at once, so the person's open sockets and screens
// learn of the workspace without a reload.
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type AcceptedInvitation,
  type CreatedInvitation,
  type CreateInvitationBody,
  INVITATION_MAX_DAYS,
  type InvitationPreview,
  type InvitationView,
  type MemberView,
  type PendingInvitationView,
  type Role,
} from '@tandem/protocol';
import { CONFIG, type Config } from '../../base/config/config.js';
import { PrismaClient } from '../../base/database/database.js';
import { AppError } from '../../base/errors/app-error.js';
import { DomainEvents } from '../../base/events/domain-events.js';
import { isId } from '../../base/http/validation.js';
import { Mailer } from '../../base/mail/mailer.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Actor } from '../auth/current-user.js';
import { SessionRegistry } from '../auth/sessions.js';
import { Notifier } from '../notifications/notifier.js';
import { PermissionPolicy } from '../permission/policy.js';

const DEFAULT_DAYS = 14;
const DAY_MS = 86_400_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

type Row = {
  id: string;
  workspaceId: string;
  role: Role;
  email: string | null;
  userId: string | null;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  revokedAt: Date | null;
  createdAt: Date;
  inviter: { displayName: string };
};

/** Still usable: not revoked, not expired, not used up. */
const usable = (r: Pick<Row, 'revokedAt' | 'expiresAt' | 'maxUses' | 'uses'>, now = Date.now()) =>
  !r.revokedAt && (!r.expiresAt || r.expiresAt.getTime() > now) && (r.maxUses === null || r.uses < r.maxUses);

/** Prisma filter for the same. */
const usableWhere = () => ({
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
});

const view = (r: Row): InvitationView => ({
  id: r.id,
  workspaceId: r.workspaceId,
  role: r.role,
  email: r.email,
  inviterName: r.inviter.displayName,
  expiresAt: r.expiresAt?.toISOString() ?? null,
  maxUses: r.maxUses,
  uses: r.uses,
  createdAt: r.createdAt.toISOString(),
});

@Injectable()
export class InvitationsService {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(CONFIG) private readonly config: Config,
    private readonly policy: PermissionPolicy,
    private readonly events: DomainEvents,
    private readonly sessions: SessionRegistry,
    private readonly mailer: Mailer,
    private readonly notifier: Notifier,
  ) {}

  private url(token: string) {
    const base = this.config.TANDEM_PUBLIC_URL ?? `http://localhost:${this.config.PORT}`;
    return `${base.replace(/\/$/, '')}/invite/${token}`;
  }

  private expiry(expiresAt: string | undefined): Date {
    if (!expiresAt) return new Date(Date.now() + DEFAULT_DAYS * DAY_MS);
    const at = new Date(expiresAt);
    if (at.getTime() <= Date.now()) throw AppError.validation([{ field: 'expiresAt', message: 'must be in the future' }]);
    if (at.getTime() > Date.now() + INVITATION_MAX_DAYS * DAY_MS) {
      throw AppError.validation([{ field: 'expiresAt', message: `must be within ${INVITATION_MAX_DAYS} days` }]);
    }
    return at;
  }

  private async assertNotMember(workspaceId: string, email: string) {
    const member = await this.prisma.workspaceMember.findFirst({ where: { workspaceId, user: { email } } });
    if (member) throw AppError.conflict('Already a member', [{ field: 'email', message: 'already belongs to this workspace' }]);
  }

  async create(actor: Actor, workspaceId: string, body: CreateInvitationBody): Promise<CreatedInvitation> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.members.manage', 'Workspace');
    if (body.email) await this.assertNotMember(workspaceId, body.email);
    const existing = body.email ? await this.prisma.user.findUnique({ where: { email: body.email }, select: { id: true } }) : null;
    return this.issue(actor, workspaceId, {
      role: body.role,
      email: body.email ?? null,
      userId: existing?.id ?? null,
      expiresAt: this.expiry(body.expiresAt),
      // An invitation for one person lets one person in.
      maxUses: body.email ? 1 : (body.maxUses ?? null),
    });
  }

  /**
   * `POST /workspaces/:id/members`: the account must exist (404 otherwise), and joining is theirs
   * to accept: this makes an invitation for that account rather than adding them outright.
   */
  async inviteExisting(actor: Actor, workspaceId: string, email: string, role: Role): Promise<CreatedInvitation> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.members.manage', 'Workspace');
    const user = await this.prisma.user.findUnique({ where: { email }, select: { id: true, email: true } });
    if (!user) throw AppError.notFound('User');
    await this.assertNotMember(workspaceId, user.email);
    return this.issue(actor, workspaceId, {
      role,
      email: user.email,
      userId: user.id,
      expiresAt: this.expiry(undefined),
      maxUses: 1,
    });
  }

  private async issue(
    actor: Actor,
    workspaceId: string,
    data: { role: Role; email: string | null; userId: string | null; expiresAt: Date; maxUses: number | null },
  ): Promise<CreatedInvitation> {
    const token = randomBytes(24).toString('base64url');
    const row = await this.prisma.invitation.create({
      data: { workspaceId, inviterId: actor.id, tokenHash: sha256(token), ...data },
      include: { inviter: { select: { displayName: true } }, workspace: { select: { name: true } } },
    });
    const url = this.url(token);
    if (row.email) {
      const what = `${row.inviter.displayName} invited you to the workspace "${row.workspace.name}" on Tandem as ${row.role}.`;
      await this.mailer.send({
        to: row.email,
        subject: `${row.inviter.displayName} invited you to ${row.workspace.name}`,
        text: `${what}\n\nJoin here:\n${url}\n\nThe invitation is valid until ${row.expiresAt?.toUTCString()}.\n\nToken: ${token}\n`,
      });
    }
    if (row.userId) {
      await this.events.emit({
        type: 'invitation.received',
        workspaceId,
        actorId: actor.id,
        userIds: [row.userId],
        data: {
          invitationId: row.id,
          role: row.role,
          workspaceName: row.workspace.name,
          inviterName: row.inviter.displayName,
          title: `${row.inviter.displayName} invited you to ${row.workspace.name}`,
        },
      });
    } else {
      await this.events.emit({ type: 'invitation.created', workspaceId, actorId: actor.id, data: { invitationId: row.id } });
    }
    return { ...view(row), token, url };
  }

  async list(actor: Actor, workspaceId: string): Promise<{ items: InvitationView[]; nextCursor: null }> {
    await this.policy.authorize(actor.id, { workspace: workspaceId }, 'workspace.members.manage', 'Workspace');
    const rows = await this.prisma.invitation.findMany({
      where: { workspaceId, ...usableWhere() },
      include: { inviter: { select: { displayName: true } } },
      orderBy: { createdAt: 'desc' },
    });
    return { items: rows.filter((r) => usable(r)).map(view), nextCursor: null };
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    const row = isId(id) ? await this.prisma.invitation.findUnique({ where: { id } }) : null;
    if (!row) throw AppError.notFound('Invitation');
    // Someone who cannot see the workspace learns nothing about its invitations.
    const access = await this.policy.workspaceAccess(actor.id, row.workspaceId);
    if (!access) throw AppError.notFound('Invitation');
    await this.policy.authorize(actor.id, { workspace: row.workspaceId }, 'workspace.members.manage', 'Invitation');
    await this.prisma.invitation.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    await this.events.emit({ type: 'invitation.revoked', workspaceId: row.workspaceId, actorId: actor.id, data: { invitationId: id } });
  }

  /** A usable invitation by its token, with what the invitation page shows; null otherwise. */
  async findByToken(token: string) {
    if (!token || token.length > 512) return null;
    const row = await this.prisma.invitation.findUnique({
      where: { tokenHash: sha256(token) },
      include: { inviter: { select: { displayName: true } }, workspace: { select: { name: true, deletedAt: true } } },
    });
    if (!row || row.workspace.deletedAt || !usable(row)) return null;
    return row;
  }

  async preview(token: string): Promise<InvitationPreview> {
    const row = await this.findByToken(token);
    if (!row) throw AppError.notFound('Invitation');
    return { workspaceName: row.workspace.name, role: row.role, inviterName: row.inviter.displayName, email: row.email };
  }

  async accept(actor: Actor, token: string): Promise<AcceptedInvitation> {
    const row = await this.findByToken(token);
    if (!row) throw AppError.notFound('Invitation');
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: actor.id }, select: { id: true, email: true } });
    if ((row.userId && row.userId !== user.id) || (row.email && row.email !== user.email)) {
      throw AppError.forbidden(`This invitation is for ${row.email}. Sign in with that address to accept it.`);
    }
    return this.join(user.id, row);
  }

  /** Invitations waiting for the signed-in person: for their account, or for their verified address. */
  async pendingFor(actor: Actor): Promise<{ items: PendingInvitationView[]; nextCursor: null }> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: actor.id } });
    const rows = await this.prisma.invitation.findMany({
      where: {
        ...usableWhere(),
        workspace: { deletedAt: null, members: { none: { userId: user.id } } },
        AND: [{ OR: [{ userId: user.id }, ...(user.emailVerifiedAt ? [{ email: user.email }] : [])] }],
      },
      include: { inviter: { select: { displayName: true } }, workspace: { select: { name: true } } },
      orderBy: { createdAt: 'desc' },
    });
    return {
      items: rows
        .filter((r) => usable(r))
        .map((r) => ({
          id: r.id,
          workspaceId: r.workspaceId,
          workspaceName: r.workspace.name,
          role: r.role,
          inviterName: r.inviter.displayName,
          expiresAt: r.expiresAt?.toISOString() ?? null,
        })),
      nextCursor: null,
    };
  }

  async acceptPending(actor: Actor, id: string): Promise<AcceptedInvitation> {
    const mine = (await this.pendingFor(actor)).items.find((i) => i.id === id);
    if (!mine) throw AppError.notFound('Invitation');
    const row = await this.prisma.invitation.findUniqueOrThrow({ where: { id } });
    return this.join(actor.id, row);
  }

  async declinePending(actor: Actor, id: string): Promise<void> {
    const mine = (await this.pendingFor(actor)).items.find((i) => i.id === id);
    if (!mine) throw AppError.notFound('Invitation');
    await this.prisma.invitation.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /** On sign-in or sign-up with a verified address: every invitation for it is accepted. */
  async joinAllFor(user: { id: string; email: string; emailVerifiedAt: Date | null }): Promise<void> {
    if (!user.emailVerifiedAt) return;
    const rows = await this.prisma.invitation.findMany({
      where: { email: user.email, ...usableWhere(), workspace: { deletedAt: null, members: { none: { userId: user.id } } } },
    });
    for (const row of rows) if (usable(row)) await this.join(user.id, row).catch(() => undefined);
  }

  /**
   * Spends one use and adds the member in one transaction; someone already in the workspace keeps
   * their role and spends nothing.
   */
  async join(userId: string, row: { id: string; workspaceId: string; role: Role; inviterId?: string }): Promise<AcceptedInvitation> {
    const existing = await this.prisma.workspaceMember.findUnique({
      where: { workspaceId_userId: { workspaceId: row.workspaceId, userId } },
    });
    if (existing) return { workspaceId: row.workspaceId, role: existing.role };
    let member;
    try {
      member = await this.prisma.$transaction(async (tx) => {
        const spent = await tx.$executeRaw`
          UPDATE "Invitation" SET uses = uses + 1
          WHERE id = ${row.id}::uuid AND "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > now())
            AND ("maxUses" IS NULL OR uses < "maxUses")`;
        if (spent !== 1) throw AppError.notFound('Invitation');
        const created = await tx.workspaceMember.create({
          data: { workspaceId: row.workspaceId, userId, role: row.role },
          include: { user: true },
        });
        await recordAudit(tx, {
          workspaceId: row.workspaceId,
          // The person joining accepted; the inviter is named in the details.
          actorId: userId,
          action: 'member.added',
          target: { type: 'user', id: userId },
          details: {
            email: created.user.email,
            displayName: created.user.displayName,
            role: row.role,
            invitationId: row.id,
            inviterId: row.inviterId ?? null,
          },
        });
        return created;
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') {
        const now = await this.prisma.workspaceMember.findUniqueOrThrow({
          where: { workspaceId_userId: { workspaceId: row.workspaceId, userId } },
        });
        return { workspaceId: row.workspaceId, role: now.role };
      }
      throw err;
    }
    const view: MemberView = {
      userId,
      email: member.user.email,
      displayName: member.user.displayName,
      role: member.role,
      joinedAt: member.createdAt.toISOString(),
    };
    await this.events.emit({
      type: 'member.changed',
      workspaceId: row.workspaceId,
      actorId: userId,
      userIds: [userId],
      // The joiner's own room names no workspace; the data does, so their screens can refetch.
      data: { change: 'added', member: view, workspaceId: row.workspaceId },
    });
    await this.sessions.announce({ kind: 'access.changed', userId, workspaceId: row.workspaceId });
    await this.notifier.notify([userId], {
      type: 'added_to_workspace',
      workspaceId: row.workspaceId,
      actorId: row.inviterId ?? null,
      data: { role: member.role },
    });
    return { workspaceId: row.workspaceId, role: member.role };
  }
}
