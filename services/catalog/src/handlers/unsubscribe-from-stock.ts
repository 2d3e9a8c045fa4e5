// DELETE /products/{id}/stock-subscriptions (customer): closes the caller's open subscription; 204
// whether or not there was one — API Gateway REST.

import { productIdPath } from '@shop/contracts';
import { createHttpHandler, noContent } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';

export const unsubscribeFromStockHandler = (service: () => CatalogService = catalogService) =>
  createHttpHandler({ access: 'customer', path: productIdPath }, async (req) => {
    await service().unsubscribeFromStock(req.path.id, req.principal!.sub);
    return noContent();
  });

export const handler = unsubscribeFromStockHandler();
