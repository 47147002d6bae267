// A database that cannot be reached, however it is reported, is one answer: 503 `unavailable` with
// Retry-After, which clients retry. The drill (test/faults/database-restart.test.ts) produces most
// shapes only now and then, depending on which statement the cut lands in; this pins each one seen.
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../apps/server/src/base/errors/error.filter.js';

const prismaRaw = (message: string, cause: Record<string, unknown>) =>
  Object.assign(new Error(message), { code: 'P2010', meta: { driverAdapterError: { name: 'DriverAdapterError', cause } } });

describe('an unreachable database in the error filter', () => {
  it.each([
    ['ECONNREFUSED from pg', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a pg connection terminated', new Error('Connection terminated unexpectedly')],
    ['Prisma P1017', Object.assign(new Error('Server has closed the connection.'), { code: 'P1017' })],
    [
      // Seen in the restart drill: a raw query whose connection the server closed under it.
      'a raw query whose connection closed (P2010, as Prisma words it)',
      prismaRaw('Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`', { kind: 'ConnectionClosed' }),
    ],
    ['a raw query whose driver error says ConnectionClosed', prismaRaw('Raw query failed.', { kind: 'ConnectionClosed' })],
    ['a raw query refused by a server starting up', prismaRaw('Raw query failed.', { kind: 'postgres', originalCode: '57P03' })],
  ])('maps %s to 503 unavailable with Retry-After', (_name, err) => {
    const mapped = toAppError(err);
    expect({ status: mapped.status, code: mapped.code }).toEqual({ status: 503, code: 'unavailable' });
    expect(Number(mapped.headers?.['Retry-After'])).toBeGreaterThan(0);
  });

  it('leaves a raw query the database refused for its content as a server error', () => {
    const mapped = toAppError(prismaRaw('Raw query failed. Code: `42P01`.', { kind: 'postgres', originalCode: '42P01' }));
    expect(mapped.code).toBe('internal');
  });
});
