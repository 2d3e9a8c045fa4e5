import { DomainError } from '@shop/domain';
import type { Principal } from '@shop/lambda-kit';
import { describe, expect, it } from 'vitest';
import { EmailClaimMissingError, subscriberOf } from '../../src/subscriber';

const principal = (email: string | undefined): Principal => ({
  sub: '00000000-0000-4000-8000-00000000c001',
  email,
  groups: ['customer'],
});

describe('subscriberOf', () => {
  it('takes the customer from the sub and the address from the email claim, lower-cased', () => {
    expect(subscriberOf(principal('  Alice.Shopper@Example.COM '))).toEqual({
      customerId: '00000000-0000-4000-8000-00000000c001',
      email: 'alice.shopper@example.com',
    });
  });

  it.each([
    ['no email claim', undefined],
    ['an email claim that is no address', 'alice'],
    ['an address longer than 254 characters', `${'a'.repeat(60)}@${'b'.repeat(200)}.com`],
  ])('refuses %s with 403 FORBIDDEN naming the claim', (_case, email) => {
    const refusal = (() => {
      try {
        subscriberOf(principal(email));
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(EmailClaimMissingError);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', details: [{ path: 'email' }] });
  });
});
