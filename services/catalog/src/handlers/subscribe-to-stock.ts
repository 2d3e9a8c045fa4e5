// POST /products/{id}/stock-subscriptions (customer): "email me when it is back in stock", at the
// token's email address; 201 when it opens one, 200 when one was already open — API Gateway REST.

import { productIdPath } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import { type IdempotencyOptions, idempotent } from '@shop/lambda-kit/idempotency';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';
import { subscriberOf } from '../subscriber';

export const subscribeToStockHandler = (
  service: () => CatalogService = catalogService,
  idempotency: IdempotencyOptions = {},
) =>
  createHttpHandler(
    // No body schema: like every body-less route of the kit, a body sent anyway is ignored.
    // Idempotency-Key (api.md, every creating POST): a retry with the same key replays the first answer.
    { access: 'customer', path: productIdPath, idempotency: idempotent(idempotency) },
    async (req) => {
      const { subscription, created } = await service().subscribeToStock(
        req.path.id,
        subscriberOf(req.principal!),
      );
      return created ? { statusCode: 201, body: subscription } : ok(subscription);
    },
  );

export const handler = subscribeToStockHandler();
