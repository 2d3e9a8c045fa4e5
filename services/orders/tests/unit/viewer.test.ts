import { ForbiddenError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { viewerOf } from '../../src/viewer';

const sub = '00000000-0000-4000-8000-00000000C001';
const principal = (groups: string[], id = sub) => ({ sub: id, email: undefined, groups });

describe('viewerOf', () => {
  it('identifies customers by their lower-cased sub', () => {
    expect(viewerOf(principal(['customer']))).toEqual({ customerId: sub.toLowerCase(), isAdmin: false });
  });

  it('knows admins, customers or not', () => {
    expect(viewerOf(principal(['admin']))).toEqual({ customerId: null, isAdmin: true });
    expect(viewerOf(principal(['admin', 'customer']))).toEqual({
      customerId: sub.toLowerCase(),
      isAdmin: true,
    });
  });

  it('refuses callers who are neither, and customers whose sub is not a UUID', () => {
    expect(() => viewerOf(principal([]))).toThrow(ForbiddenError);
    expect(() => viewerOf(null)).toThrow(ForbiddenError);
    expect(() => viewerOf(principal(['customer'], 'not-a-uuid'))).toThrow(ForbiddenError);
  });
});
