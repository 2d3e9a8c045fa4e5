// POST /orders/{id}/cancel (owner or admin): restocks and emits StockChanged through the outbox — API Gateway REST.

import { orderIdPath } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import { ordersServiceWithEvents } from '../dependencies';
import type { OrdersService } from '../orders.service';
import { viewerOf } from '../viewer';

export const cancelOrderHandler = (service: () => OrdersService = ordersServiceWithEvents) =>
  createHttpHandler({ access: 'signedIn', path: orderIdPath }, async (req) =>
    ok(await service().cancelOrder(req.path.id, viewerOf(req.principal), req.correlationId)),
  );

export const handler = cancelOrderHandler();
