import { CUSTOMER_GROUP, ForbiddenError, type OrderViewer } from '@shop/domain';
import type { Principal } from '@shop/lambda-kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who is calling, as the orders rules see them. A customer is identified by their Cognito `sub`
 * (a UUID); a caller who is neither a customer nor an admin may not use the orders API at all.
 */
export const viewerOf = (principal: Principal | null): OrderViewer => {
  const isAdmin = principal?.groups.includes('admin') ?? false;
  const isCustomer = (principal?.groups.includes(CUSTOMER_GROUP) ?? false) && UUID.test(principal!.sub);
  if (!isAdmin && !isCustomer) throw new ForbiddenError();
  return { customerId: isCustomer ? principal!.sub.toLowerCase() : null, isAdmin };
};
