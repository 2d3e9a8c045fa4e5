import { ForbiddenError, UnauthorizedError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { type Access, assertAccess } from '../../src/access.policy';
import type { Principal } from '../../src/principal';

const caller = (...groups: string[]): Principal => ({ sub: 'user-1', email: undefined, groups });

describe('assertAccess', () => {
  it.each<[Access, Principal | null]>([
    ['public', null],
    ['public', caller()],
    ['signedIn', caller()],
    ['signedIn', caller('admin')],
    ['admin', caller('admin')],
    ['customer', caller('customer')],
    ['customer', caller('admin', 'customer')],
  ])('lets a %s route through for %o', (access, principal) => {
    expect(() => assertAccess(access, principal)).not.toThrow();
  });

  it.each<Access>(['signedIn', 'admin', 'customer'])(
    'rejects an anonymous caller of a %s route with 401',
    (access) => {
      expect(() => assertAccess(access, null)).toThrow(UnauthorizedError);
    },
  );

  it.each<[Access, Principal]>([
    ['admin', caller()],
    ['admin', caller('customer')],
    ['customer', caller()],
    ['customer', caller('admin')],
  ])('rejects a caller of a %s route without the group with 403 (%o)', (access, principal) => {
    expect(() => assertAccess(access, principal)).toThrow(ForbiddenError);
  });
});
