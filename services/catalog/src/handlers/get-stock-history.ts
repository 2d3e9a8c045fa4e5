// GET /products/{id}/stock-history (admin): the product's stock ledger, newest first, paginated —
// API Gateway REST.

import { productIdPath, stockHistoryQuery } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';

export const getStockHistoryHandler = (service: () => CatalogService = catalogService) =>
  createHttpHandler({ access: 'admin', path: productIdPath, query: stockHistoryQuery }, async (req) => {
    const history = await service().getStockHistory(req.path.id, {
      cursor: req.query.cursor,
      limit: req.query.limit,
    });
    return ok({ items: history.items, nextCursor: history.nextCursor });
  });

export const handler = getStockHistoryHandler();
