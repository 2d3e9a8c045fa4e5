// POST /products/{id}/stock-adjustments (admin): emits StockChanged through the outbox and kicks the
// relay after the commit — API Gateway REST.

import { productIdPath, stockAdjustmentBody } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import { type IdempotencyOptions, idempotent } from '@shop/lambda-kit/idempotency';
import type { CatalogService } from '../catalog.service';
import { catalogServiceWithEvents } from '../dependencies';

export const adjustStockHandler = (
  service: () => CatalogService = catalogServiceWithEvents,
  idempotency: IdempotencyOptions = {},
) =>
  createHttpHandler(
    // Idempotency-Key (api.md): a retried adjustment with the same key and body is applied once.
    {
      access: 'admin',
      path: productIdPath,
      body: stockAdjustmentBody,
      idempotency: idempotent(idempotency),
    },
    async (req) => {
      const result = await service().adjustStock(
        req.path.id,
        { delta: req.body.delta, reason: req.body.reason, note: req.body.note },
        req.principal!.sub,
        req.correlationId,
      );
      return ok(result);
    },
  );

export const handler = adjustStockHandler();
