// GET /products/{id} (anyone; archived products only for admins) — API Gateway REST.

import { productIdPath } from '@shop/contracts';
import { createHttpHandler, etagFor, ok } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';
import { viewerOf } from '../viewer';

export const getProductHandler = (service: () => CatalogService = catalogService) =>
  createHttpHandler({ access: 'public', path: productIdPath }, async (req) => {
    const product = await service().getProduct(req.path.id, viewerOf(req.principal));
    return ok(product, { etag: etagFor(product) });
  });

export const handler = getProductHandler();
