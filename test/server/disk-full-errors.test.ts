// A full disk, however it is reported, is one answer: 507 `insufficient_storage` with a sentence a
// person can act on. The node's own writes say ENOSPC (EDQUOT over a quota); PostgreSQL says
// 53100, through pg directly or wrapped by Prisma. The drill with a real full disk is
// test/faults/disk-full.test.ts; this covers the shapes it cannot produce (a quota).
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../apps/server/src/base/errors/error.filter.js';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('a full disk in the error filter', () => {
  it.each([
    ['ENOSPC from a file write', errno('ENOSPC', 'ENOSPC: no space left on device, write')],
    ['EDQUOT from a file write', errno('EDQUOT', 'EDQUOT: disk quota exceeded, write')],
    ['53100 from pg', Object.assign(new Error('could not extend file "base/16384/16560": No space left on device'), { code: '53100' })],
    [
      '53100 wrapped by Prisma',
      Object.assign(new Error('Raw query failed. Code: `53100`.'), {
        code: 'P2010',
        meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '53100', kind: 'postgres' } } },
      }),
    ],
    ['a cause that is a full disk', new Error('move failed', { cause: errno('ENOSPC', 'ENOSPC: no space left on device, rename') })],
  ])('maps %s to 507 insufficient_storage', (_name, err) => {
    const mapped = toAppError(err);
    expect({ status: mapped.status, code: mapped.code }).toEqual({ status: 507, code: 'insufficient_storage' });
    expect(mapped.message).toMatch(/disk is full.*not saved/i);
  });

  it('leaves other failures as they were', () => {
    expect(toAppError(errno('EACCES', 'EACCES: permission denied')).code).toBe('internal');
    expect(toAppError(errno('ECONNREFUSED', 'connect ECONNREFUSED')).code).toBe('unavailable');
  });
});
