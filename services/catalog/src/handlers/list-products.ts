// GET /products (anyone; admins may ask for status=archived) — API Gateway REST.

import { listProductsQuery } from '@shop/contracts';
import { createHttpHandler, ok } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogService } from '../dependencies';
import { viewerOf } from '../viewer';

export const listProductsHandler = (service: () => CatalogService = catalogService) =>
  createHttpHandler({ access: 'public', query: listProductsQuery }, async (req) => {
    const page = await service().listProducts(
      {
        status: req.query.status,
        category: req.query.category,
        q: req.query.q,
        cursor: req.query.cursor,
        limit: req.query.limit,
      },
      viewerOf(req.principal),
    );
    return ok({ items: page.items, nextCursor: page.nextCursor });
  });

export const handler = listProductsHandler();
