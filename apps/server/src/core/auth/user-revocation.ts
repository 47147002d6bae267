// Ends every sign-in of one user from anywhere that holds the database — a node, or an admin
// command in its own process with no bus: the rows are revoked and a NOTIFY on the same
// transaction tells every node once it commits. Each node then forgets what it cached about that
// user and re-checks their sockets against the database (SessionRegistry, the socket gateways).
import type { Prisma } from '../../base/database/database.js';
import { NotifyChannels } from '../../base/database/notifications.js';

export interface UserRevocation {
  userId: string;
}

type Tx = Prisma.TransactionClient;

/**
 * Revokes every login (and with `apiTokens`, every personal API token) of `userId` and announces it
 * to every node. Call it inside the transaction that made the change, so the announcement and the
 * change become visible together.
 */
export async function endEverySignIn(tx: Tx, userId: string, reason: string, { apiTokens = false } = {}): Promise<void> {
  const now = new Date();
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
  if (apiTokens) await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
  const payload: UserRevocation = { userId };
  await tx.$executeRaw`SELECT pg_notify(${NotifyChannels.userRevoked}, ${JSON.stringify(payload)})`;
}

export function parseUserRevocation(payload: string): UserRevocation | null {
  try {
    const value = JSON.parse(payload) as Partial<UserRevocation>;
    return typeof value.userId === 'string' ? { userId: value.userId } : null;
  } catch {
    return null;
  }
}
