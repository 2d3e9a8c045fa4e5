import { ForbiddenError, UnauthorizedError } from '@shop/domain';
import type { Principal } from './principal';

/**
 * Who may call a route: anyone, an admin, a customer, or anyone signed in. Roles are Cognito groups;
 * being an admin does not make someone a customer.
 */
export type Access = 'public' | 'admin' | 'customer' | 'signedIn';

const REQUIRED_GROUP: Partial<Record<Access, string>> = { admin: 'admin', customer: 'customer' };

/** Throws 401 when a protected route has no caller, 403 when the caller lacks the route's group. */
export const assertAccess = (access: Access, principal: Principal | null): void => {
  if (access === 'public') {
    return;
  }
  if (principal === null) {
    throw new UnauthorizedError();
  }
  const group = REQUIRED_GROUP[access];
  if (group !== undefined && !principal.groups.includes(group)) {
    throw new ForbiddenError();
  }
};
