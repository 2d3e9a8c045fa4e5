// GET /me (signed in): the caller's customer record and the groups of their token — API Gateway REST.
import { createHttpHandler, ok } from '@shop/lambda-kit';
import type { CustomerService } from '../customer.service';
import { customerService } from '../dependencies';

export const getMeHandler = (service: () => CustomerService = customerService) =>
  createHttpHandler({ access: 'signedIn' }, async (req) => {
    const me = await service().getMe(req.principal!);
    return ok({ id: me.id, email: me.email, name: me.name, groups: me.groups, createdAt: me.createdAt });
  });

export const handler = getMeHandler();
