// GET /orders/{id} (owner or admin; 404 for anyone else) — API Gateway REST.

import { orderIdPath } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import { ordersService } from '../dependencies';
import type { OrdersService } from '../orders.service';
import { viewerOf } from '../viewer';

export const getOrderHandler = (service: () => OrdersService = ordersService) =>
  createHttpHandler({ access: 'signedIn', path: orderIdPath }, async (req) =>
    ok(await service().getOrder(req.path.id, viewerOf(req.principal))),
  );

export const handler = getOrderHandler();
