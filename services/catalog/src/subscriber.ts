import { DomainError, parseEmail, ValidationError } from '@shop/domain';
import type { Principal } from '@shop/lambda-kit';
import type { Subscriber } from './catalog.service';

/**
 * 403 `FORBIDDEN` for a customer whose ID token has no usable `email` claim: back-in-stock news
 * goes by email, and the address is taken from the token, never from the request. Nothing in the
 * request could fix it, so it is a refusal of this caller rather than a 400; `details` names the
 * claim so clients can tell it from a missing group.
 */
export class EmailClaimMissingError extends DomainError {
  constructor() {
    super('FORBIDDEN', 'Stock subscriptions need an email address, and your sign-in token has none', {
      details: [{ path: 'email', message: 'missing or invalid in the ID token' }],
    });
  }
}

/** The subscriber behind a customer's request: their `sub` and their token's email, lower-cased. */
export const subscriberOf = (principal: Principal): Subscriber => {
  if (principal.email === undefined) throw new EmailClaimMissingError();
  try {
    return { customerId: principal.sub, email: parseEmail(principal.email).address };
  } catch (error) {
    if (error instanceof ValidationError) throw new EmailClaimMissingError();
    throw error;
  }
};
