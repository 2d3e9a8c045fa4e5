// POST /products (admin): a product created with stock emits StockChanged through the outbox and
// kicks the relay after the commit — API Gateway REST.

import { createProductBody } from '@shop/contracts';
import { created, createHttpHandler, etagFor } from '@shop/lambda-kit';
import { type IdempotencyOptions, idempotent } from '@shop/lambda-kit/idempotency';
import type { CatalogService } from '../catalog.service';
import { catalogServiceWithEvents } from '../dependencies';

export const createProductHandler = (
  service: () => CatalogService = catalogServiceWithEvents,
  idempotency: IdempotencyOptions = {},
) =>
  createHttpHandler(
    // Idempotency-Key (api.md): a retried POST with the same key and body replays the first product.
    { access: 'admin', body: createProductBody, idempotency: idempotent(idempotency) },
    async (req) => {
      const { price, ...rest } = req.body;
      const product = await service().createProduct(
        { ...rest, description: rest.description, priceAmount: price.amount },
        req.correlationId,
      );
      return created(product, `/products/${product.id}`, { etag: etagFor(product) });
    },
  );

export const handler = createProductHandler();
