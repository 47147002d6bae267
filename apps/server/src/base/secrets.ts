// The token-signing secret: TANDEM_SECRET, or one generated on first start and kept in the database
// so every node of the same database signs and verifies with the same key.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from './database/database.js';

export async function tokenSecret(prisma: PrismaClient, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const generated = randomBytes(48).toString('base64url');
  await prisma.$executeRaw`INSERT INTO "SystemSetting" (key, value) VALUES ('token_secret', ${generated}) ON CONFLICT (key) DO NOTHING`;
  const row = await prisma.systemSetting.findUniqueOrThrow({ where: { key: 'token_secret' } });
  return row.value;
}
