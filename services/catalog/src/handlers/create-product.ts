// POST /products (admin) — API Gateway REST.
import { etagFor } from '@shop/domain';
import { created, createHttpHandler } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';
import { createProductBody } from '../product.schemas';

export const createProductHandler = (service: () => CatalogService = catalogService) =>
  createHttpHandler({ access: 'admin', body: createProductBody }, async (req) => {
    const { price, ...rest } = req.body;
    const product = await service().createProduct(
      { ...rest, description: rest.description, priceAmount: price.amount },
      req.correlationId,
    );
    return created(product, `/products/${product.id}`, { etag: etagFor(product) });
  });

export const handler = createProductHandler();
