// POST /orders/{id}/status (admin): placed -> shipped -> delivered — API Gateway REST.

import { orderIdPath, orderStatusBody } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import { ordersService } from '../dependencies';
import type { OrdersService } from '../orders.service';

export const updateOrderStatusHandler = (service: () => OrdersService = ordersService) =>
  createHttpHandler({ access: 'admin', path: orderIdPath, body: orderStatusBody }, async (req) =>
    ok(await service().updateOrderStatus(req.path.id, req.body.status)),
  );

export const handler = updateOrderStatusHandler();
