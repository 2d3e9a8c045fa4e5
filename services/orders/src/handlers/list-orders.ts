// GET /orders (customer: own orders; admin: all, filters customerId and status) — API Gateway REST.

import { listOrdersQuery } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import { ordersService } from '../dependencies';
import type { OrdersService } from '../orders.service';
import { viewerOf } from '../viewer';

export const listOrdersHandler = (service: () => OrdersService = ordersService) =>
  createHttpHandler({ access: 'signedIn', query: listOrdersQuery }, async (req) => {
    const viewer = viewerOf(req.principal);
    const page = await service().listOrders(
      {
        customerId: req.query.customerId,
        status: req.query.status,
        cursor: req.query.cursor,
        limit: req.query.limit,
      },
      viewer,
    );
    return ok({ items: page.items, nextCursor: page.nextCursor });
  });

export const handler = listOrdersHandler();
