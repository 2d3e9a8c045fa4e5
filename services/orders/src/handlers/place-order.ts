// POST /orders (customer): one database round trip, emits StockChanged through the outbox — API Gateway REST.

import { placeOrderBody } from '@shop/contracts';
import { created, createHttpHandler } from '@shop/lambda-kit';
import { type IdempotencyOptions, idempotent } from '@shop/lambda-kit/idempotency';
import { ordersServiceWithEvents } from '../dependencies';
import type { OrdersService } from '../orders.service';
import { viewerOf } from '../viewer';

export const placeOrderHandler = (
  service: () => OrdersService = ordersServiceWithEvents,
  idempotency: IdempotencyOptions = {},
) =>
  createHttpHandler(
    // Idempotency-Key (api.md): a retried POST with the same key and body replays the first order.
    { access: 'customer', body: placeOrderBody, idempotency: idempotent(idempotency) },
    async (req) => {
      const order = await service().placeOrder(req.body, viewerOf(req.principal), req.correlationId);
      return created(order, `/orders/${order.id}`);
    },
  );

export const handler = placeOrderHandler();
