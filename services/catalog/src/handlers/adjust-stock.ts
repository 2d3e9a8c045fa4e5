// POST /products/{id}/stock-adjustments (admin): emits StockChanged through the outbox — API Gateway REST.
import { createHttpHandler, ok } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';
import { productIdPath, stockAdjustmentBody } from '../product.schemas';

export const adjustStockHandler = (service: () => CatalogService = catalogService) =>
  createHttpHandler({ access: 'admin', path: productIdPath, body: stockAdjustmentBody }, async (req) => {
    const result = await service().adjustStock(
      req.path.id,
      { delta: req.body.delta, reason: req.body.reason, note: req.body.note },
      req.principal!.sub,
      req.correlationId,
    );
    return ok(result);
  });

export const handler = adjustStockHandler();
