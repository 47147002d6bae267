// `create-user` and `reset-password`: for the first admin of a server without sign-up, and for a
// locked-out person when mail is not configured.
import bcrypt from 'bcrypt';
import { CommandError, openContext } from '../context.js';

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
    const now = new Date();
    await ctx.prisma.$transaction([
      ctx.prisma.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now } }),
      // Every signed-in device must sign in again with the new password.
      ctx.prisma.session.updateMany({
        where: { userId: user.id, revokedAt: null },
        data: { revokedAt: now, revokedReason: 'password_reset_by_admin' },
      }),
    ]);
    return `password reset for ${email}; every session of this user was signed out`;
  } finally {
    await ctx.close();
  }
}
