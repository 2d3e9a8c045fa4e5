// PATCH /products/{id} (admin; optional If-Match) — API Gateway REST.

import { productIdPath, updateProductBody } from '@shop/contracts';
import { createHttpHandler, etagFor, ok, parseIfMatch } from '@shop/lambda-kit';
import type { CatalogService } from '../catalog.service';
import { catalogServiceWithImages } from '../dependencies';

export const updateProductHandler = (service: () => CatalogService = catalogServiceWithImages) =>
  createHttpHandler({ access: 'admin', path: productIdPath, body: updateProductBody }, async (req) => {
    const { price, images, ...rest } = req.body;
    const product = await service().updateProduct(
      req.path.id,
      {
        ...rest,
        ...(price === undefined ? {} : { priceAmount: price.amount }),
        ...(images === undefined ? {} : { imageKeys: images }),
      },
      parseIfMatch(req.headers['if-match']),
    );
    return ok(product, { etag: etagFor(product) });
  });

export const handler = updateProductHandler();
