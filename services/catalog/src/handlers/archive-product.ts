// DELETE /products/{id} (admin): archives, orders keep referring to it — API Gateway REST.

import { productIdPath } from '@shop/contracts';
import { createHttpHandler, noContent } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';

export const archiveProductHandler = (service: () => CatalogService = catalogService) =>
  createHttpHandler({ access: 'admin', path: productIdPath }, async (req) => {
    await service().archiveProduct(req.path.id);
    return noContent();
  });

export const handler = archiveProductHandler();
