// The Idempotency-Key of the request being handled (base/http/idempotency.ts), and the mark every
// interactive transaction of that request writes before it commits: once a create's transaction
// commits, its key records that it happened, whatever becomes of the answer afterwards.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Prisma, PrismaClient } from '../../../generated/prisma/index.js';
import { TX_OPTIONS } from './transaction.js';

export const idempotentRequest = new AsyncLocalStorage<{ userId: string; key: string }>();

const MARK_COMMITTED = `UPDATE "IdempotencyKey" SET "committedAt" = now() WHERE "userId" = $1::uuid AND "key" = $2 AND "committedAt" IS NULL`;

/** Makes `prisma.$transaction(fn)` mark the current request's key (if any) inside the transaction. */
export function markIdempotentCommits(prisma: PrismaClient): PrismaClient {
  const original = prisma.$transaction.bind(prisma) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const marked = (arg: unknown, options?: unknown) => {
    const scope = idempotentRequest.getStore();
    if (!scope || typeof arg !== 'function') return original(arg, options);
    return original(async (tx: PrismaClient) => {
      const result = await (arg as (tx: PrismaClient) => Promise<unknown>)(tx);
      await tx.$executeRawUnsafe(MARK_COMMITTED, scope.userId, scope.key);
      return result;
    }, options);
  };
  Object.defineProperty(prisma, '$transaction', { value: marked, configurable: true, writable: true });
  return prisma;
}

/**
 * Runs a change written as one SQL statement, which is atomic by itself: sent alone (one round
 * trip, no BEGIN/COMMIT), unless the request carries an Idempotency-Key, whose mark must commit
 * with it: then in a transaction (see markIdempotentCommits).
 */
export function oneStatement<T>(prisma: PrismaClient, run: (db: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  if (!idempotentRequest.getStore()) return run(prisma);
  return prisma.$transaction((tx) => run(tx), TX_OPTIONS);
}
