// `create-user` and `reset-password`: for the first admin of a server without sign-up, and for a
// locked-out person when mail is not configured. `disable-user`, `enable-user` and `delete-user`:
// for someone who left. Every command that ends sign-ins does it through endEverySignIn, which
// reaches every running node at once (a database NOTIFY), whether or not Redis is configured.
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { endEverySignIn } from '../../core/auth/user-revocation.js';
import { type CommandContext, CommandError, openContext } from '../context.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkPassword(password: string) {
  if (password.length < 8) throw new CommandError('--password must be at least 8 characters');
  if (password.length > 200) throw new CommandError('--password must be at most 200 characters');
}

export async function createUser(opts: { email?: string; name?: string; password?: string }): Promise<string> {
  const email = opts.email?.trim().toLowerCase();
  if (!email || !EMAIL.test(email)) throw new CommandError('--email must be an email address');
  const name = opts.name?.trim();
  if (!name) throw new CommandError('--name is required');
  if (!opts.password) throw new CommandError('--password is required');
  checkPassword(opts.password);
  const ctx = await openContext();
  try {
    const passwordHash = await bcrypt.hash(opts.password, ctx.config.BCRYPT_ROUNDS);
    const existing = await ctx.prisma.user.findUnique({ where: { email } });
    if (existing) throw new CommandError(`a user with the email ${email} already exists`);
    // Made by an administrator: the address is taken as verified.
    const user = await ctx.prisma.user.create({ data: { email, displayName: name, passwordHash, emailVerifiedAt: new Date() } });
    return `created user ${user.email} (${user.id})`;
  } finally {
    await ctx.close();
  }
}

export async function resetPassword(opts: { email?: string; password?: string }): Promise<string> {
  const email = opts.email?.trim().toLowerCase();
  if (!email) throw new CommandError('--email is required');
  if (!opts.password) throw new CommandError('--password is required');
  checkPassword(opts.password);
  const ctx = await openContext();
  try {
    const user = await ctx.prisma.user.findUnique({ where: { email } });
    if (!user) throw new CommandError(`no user with the email ${email}`);
    const passwordHash = await bcrypt.hash(opts.password, ctx.config.BCRYPT_ROUNDS);
    await ctx.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
      // Every signed-in device must sign in again with the new password (personal API tokens keep
      // working, as after a password change: scripts do not know the password).
      await endEverySignIn(tx, user.id, 'password_reset_by_admin');
    });
    return `password reset for ${email}; every session of this user was signed out`;
  } finally {
    await ctx.close();
  }
}

async function findUser(ctx: CommandContext, email: string | undefined) {
  const address = email?.trim().toLowerCase();
  if (!address) throw new CommandError('--email is required');
  const user = await ctx.prisma.user.findUnique({ where: { email: address } });
  if (!user || user.deletedAt) throw new CommandError(`no user with the email ${address}`);
  return user;
}

/** No sign-in, token or socket of this user works any more; everything they made stays as it is. */
export async function disableUser(opts: { email?: string }): Promise<string> {
  const ctx = await openContext();
  try {
    const user = await findUser(ctx, opts.email);
    await ctx.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { disabledAt: user.disabledAt ?? new Date() } });
      // A reset or verification link already mailed must not bring them back.
      await tx.emailToken.deleteMany({ where: { userId: user.id, usedAt: null } });
      await endEverySignIn(tx, user.id, 'user_disabled', { apiTokens: true });
    });
    return `disabled ${user.email}: every session, API token and open socket of this user ended`;
  } finally {
    await ctx.close();
  }
}

export async function enableUser(opts: { email?: string }): Promise<string> {
  const ctx = await openContext();
  try {
    const user = await findUser(ctx, opts.email);
    if (!user.disabledAt) return `${user.email} is not disabled; nothing changed`;
    await ctx.prisma.user.update({ where: { id: user.id }, data: { disabledAt: null } });
    return `enabled ${user.email}: they can sign in again (their old sessions and API tokens stay revoked)`;
  } finally {
    await ctx.close();
  }
}

/**
 * Deletes a person but not their work: the row stays (tasks, documents, comments, files and the
 * audit log keep pointing at it, shown as "Deleted user"), while their email, name, password and
 * sign-in links are erased, their memberships, shares, watches and notifications removed, and
 * every sign-in ended. Refused while they are the last owner of a workspace.
 */
export async function deleteUser(opts: { email?: string }): Promise<string> {
  const ctx = await openContext();
  try {
    const user = await findUser(ctx, opts.email);
    // Unusable: a random secret nobody ever learns.
    const passwordHash = await bcrypt.hash(randomBytes(32).toString('hex'), ctx.config.BCRYPT_ROUNDS);
    await ctx.prisma.$transaction(async (tx) => {
      // Locks the row first: a login starting now waits, then finds the account disabled.
      await tx.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
      const owned = await tx.workspaceMember.findMany({
        where: { userId: user.id, role: 'owner', workspace: { deletedAt: null } },
        select: { workspace: { select: { id: true, name: true, members: { where: { role: 'owner' }, select: { userId: true } } } } },
      });
      const orphaned = owned.filter((m) => m.workspace.members.every((o) => o.userId === user.id)).map((m) => m.workspace);
      if (orphaned.length > 0) {
        throw new CommandError(
          `${user.email} is the last owner of ${orphaned.map((w) => `"${w.name}"`).join(', ')}: make someone else an owner or delete ${
            orphaned.length === 1 ? 'it' : 'them'
          } first, or use disable-user instead`,
        );
      }
      const id = user.id;
      await tx.workspaceMember.deleteMany({ where: { userId: id } });
      await tx.projectMember.deleteMany({ where: { userId: id } });
      await tx.documentShare.deleteMany({ where: { userId: id } });
      await tx.taskWatcher.deleteMany({ where: { userId: id } });
      await tx.notification.deleteMany({ where: { userId: id } });
      await tx.invitation.deleteMany({ where: { userId: id } });
      await tx.emailToken.deleteMany({ where: { userId: id } });
      await tx.userIdentity.deleteMany({ where: { userId: id } });
      await tx.oidcLoginCode.deleteMany({ where: { userId: id } });
      await tx.task.updateMany({ where: { assigneeId: id }, data: { assigneeId: null, version: { increment: 1 } } });
      await tx.user.update({
        where: { id },
        data: {
          email: `deleted-${id}@deleted.invalid`,
          displayName: 'Deleted user',
          passwordHash,
          emailVerifiedAt: null,
          serverAdmin: false,
          deletedAt: new Date(),
        },
      });
      await endEverySignIn(tx, id, 'user_deleted', { apiTokens: true });
    });
    return `deleted ${user.email}: every session, API token and open socket ended; what they made stays, shown as "Deleted user"`;
  } finally {
    await ctx.close();
  }
}
